"""v2 server configuration: common settings, access hours, holidays, managers, access list, feeds, plugins.

Imports: ``desktop.simulator`` (``rest.pipeline``, ``rest.v2.dto.config``, ``rest.v2.users``,
``world.mt4.records``, ``world.mt4.server_config``). Registered by ``rest.pipeline.v2``.

``CfgRequestCommon`` and ``ManagerCommon`` report the same settings; ``CfgRequestFeeder`` and
``SrvFeeders`` the same feeds (live and cached reads of one server). The lists page by their
position (``?limit``/``?cursor``). ``CfgUpdateCommon`` and ``CfgUpdateTime`` need the manager
``admin`` right: a client without it gets ``MT4Error``/``NotEnoughRights`` and nothing changes.
Wrong JSON types are ``Validation``, values the server refuses ``MT4Error``/``InvalidData``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from desktop.simulator.rest.pipeline.envelope import ApiFailure, Payload
from desktop.simulator.rest.pipeline.operation import TIMEOUT_CHANGE, Operation, V2Request
from desktop.simulator.rest.pipeline.params import paged
from desktop.simulator.rest.v2.dto.config import mt4_common, mt4_plugin, mt4_plugin_param, mt4_server_time
from desktop.simulator.rest.v2.users import object_body
from desktop.simulator.world.mt4 import server_config
from desktop.simulator.world.mt4.records import BadValue
from desktop.simulator.world.mt4.server_config import InvalidSetting


def positions(items: Sequence[dict[str, Any]], request: V2Request) -> Payload:
    """Answer one page of a configuration list, keyed by 1-based position."""
    numbered = list(enumerate(items, start=1))
    return paged(numbered, lambda item: item[0], request.query, lambda item: item[1])


def require_admin(request: V2Request) -> None:
    """Refuse the call unless the caller's manager has the ``admin`` right.

    Raises:
        ApiFailure: ``MT4Error``/``NotEnoughRights``.
    """
    manager = request.control.book.settings.manager_of(request.client)
    if not manager.admin:
        raise ApiFailure.mt4("NotEnoughRights", f"Manager {manager.login} has no right to change server settings.")


def setting_call(run: Callable[[], Any]) -> Any:
    """Run a configuration change, turning its refusals into v2 errors.

    A wrong JSON type (``BadValue``) is ``Validation``; any other refusal of the world
    (``InvalidSetting``, ``InvalidGroup``, ``InvalidSymbol``: ``ValueError``) is
    ``MT4Error``/``InvalidData``.
    """
    try:
        return run()
    except BadValue as exc:
        raise ApiFailure.validation(str(exc)) from None
    except (InvalidSetting, ValueError) as exc:
        raise ApiFailure.mt4("InvalidData", str(exc)) from None


def cfg_request_common(request: V2Request) -> Payload:
    """``GET CfgRequestCommon``: the ``MT4Common``."""
    return Payload(mt4_common(request.control.book.settings.common))


def cfg_update_common(request: V2Request) -> Payload:
    """``POST CfgUpdateCommon``: lay an ``MT4CommonUpdate`` over the common settings (admin only)."""
    body = object_body(request.body, "MT4CommonUpdate")
    require_admin(request)
    return Payload(mt4_common(setting_call(lambda: request.control.book.settings.update_common(body))))


def cfg_request_time(request: V2Request) -> Payload:
    """``GET CfgRequestTime``: the ``MT4ServerTime`` access hours."""
    return Payload(mt4_server_time(request.control.book.settings.access_hours))


def cfg_update_time(request: V2Request) -> Payload:
    """``POST CfgUpdateTime``: replace the access hours (admin only)."""
    body = object_body(request.body, "MT4ServerTime")
    require_admin(request)
    settings = request.control.book.settings
    return Payload(mt4_server_time(setting_call(lambda: settings.set_access_hours(body.get("accessHours")))))


def cfg_request_holiday(request: V2Request) -> Payload:
    """``GET CfgRequestHoliday``: ``MT4Holiday`` entries, paged."""
    return positions(server_config.holidays(), request)


def cfg_request_manager(request: V2Request) -> Payload:
    """``GET CfgRequestManager``: ``MT4ManagerRights`` of every manager, paged."""
    managers = request.control.book.settings.managers
    return positions([server_config.manager_rights(manager) for manager in managers], request)


def cfg_request_access(request: V2Request) -> Payload:
    """``GET CfgRequestAccess``: ``MT4Access`` rules, paged."""
    return positions(server_config.access_list(), request)


def cfg_request_feeder(request: V2Request) -> Payload:
    """``GET CfgRequestFeeder`` / ``SrvFeeders``: ``MT4Feeder`` entries, paged."""
    return positions(server_config.feeders(), request)


def plugins_get(request: V2Request) -> Payload:
    """``GET PluginsGet``: every ``MT4Plugin``."""
    return Payload([mt4_plugin(plugin) for plugin, _ in server_config.PLUGINS])


def cfg_request_plugin(request: V2Request) -> Payload:
    """``GET CfgRequestPlugin``: every plugin with its parameters (``MT4PluginParam``)."""
    return Payload([mt4_plugin_param(plugin, params) for plugin, params in server_config.PLUGINS])


OPERATIONS = (
    Operation("GET", "CfgRequestCommon", cfg_request_common),
    Operation("POST", "CfgUpdateCommon", cfg_update_common, timeout=TIMEOUT_CHANGE),
    Operation("GET", "CfgRequestTime", cfg_request_time),
    Operation("POST", "CfgUpdateTime", cfg_update_time, timeout=TIMEOUT_CHANGE),
    Operation("GET", "CfgRequestHoliday", cfg_request_holiday),
    Operation("GET", "CfgRequestManager", cfg_request_manager),
    Operation("GET", "CfgRequestAccess", cfg_request_access),
    Operation("GET", "CfgRequestFeeder", cfg_request_feeder),
    Operation("GET", "SrvFeeders", cfg_request_feeder),
    Operation("GET", "PluginsGet", plugins_get),
    Operation("GET", "CfgRequestPlugin", cfg_request_plugin),
)
