"""v2 reads of the server's network and gateway tables and its backup settings.

Imports: ``desktop.simulator`` (``rest.pipeline``, ``rest.v2.config``, ``wire``,
``world.mt4.server_tables``). Registered by ``rest.pipeline.v2``.

The lists page by position (``?limit``/``?cursor``) like the other configuration lists; an
empty table is an empty page, as a real stand-alone server answers. The backups are stamped
as having last run at the start of the current UTC day.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from desktop.simulator.rest.pipeline.envelope import Payload
from desktop.simulator.rest.pipeline.operation import Operation, V2Request
from desktop.simulator.rest.v2.config import positions
from desktop.simulator.wire import iso_utc
from desktop.simulator.world.mt4 import server_tables

_DAY = 86_400


def _table(rows: Callable[[], list[dict[str, Any]]]) -> Callable[[V2Request], Payload]:
    def read(request: V2Request) -> Payload:
        return positions(rows(), request)

    read.__doc__ = f"Answer one page of ``{rows.__name__}``."
    return read


def cfg_request_backup(request: V2Request) -> Payload:
    """``GET CfgRequestBackup``: the ``MT4Backup`` settings."""
    return Payload(server_tables.backup(iso_utc(request.now - request.now % _DAY)))


OPERATIONS = (
    Operation("GET", "CfgRequestDataServer", _table(server_tables.data_servers)),
    Operation("GET", "CfgRequestSync", _table(server_tables.sync_sources)),
    Operation("GET", "CfgRequestLiveUpdate", _table(server_tables.live_updates)),
    Operation("GET", "CfgRequestGatewayAccount", _table(server_tables.gateway_accounts)),
    Operation("GET", "CfgRequestGatewayMarkup", _table(server_tables.gateway_markups)),
    Operation("GET", "CfgRequestGatewayRule", _table(server_tables.gateway_rules)),
    Operation("GET", "CfgRequestBackup", cfg_request_backup),
)
