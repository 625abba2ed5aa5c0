"""The simulated MT4 server's network and gateway tables, as its administrator configured them.

Imports: stdlib only. Used by ``rest.v2.config_tables``.

A stand-alone server: one access point (itself) in the data-server list, no replication
(sync) sources, no gateway accounts, markups or rules (it routes no orders to another
server), one LiveUpdate entry for the client terminal, and daily full backups. Each table is
a fresh list so a caller may not change the server's own.
"""

from __future__ import annotations

from typing import Any

#: 127.0.0.1 as MT4's raw int32 IP.
_LOOPBACK_IP = 0x7F000001


def data_servers() -> list[dict[str, Any]]:
    """Return the access points (``MT4DataServer``): the server itself."""
    return [{"server": "localhost:443", "ip": _LOOPBACK_IP, "description": "Simulated main server", "isProxy": 0,
             "priority": 0, "loading": 0, "ipInternal": _LOOPBACK_IP, "isWitness": 0}]  # fmt: skip


def sync_sources() -> list[dict[str, Any]]:
    """Return the history synchronisation sources (``MT4Sync``): none on a stand-alone server."""
    return []


def live_updates() -> list[dict[str, Any]]:
    """Return the LiveUpdate entries (``MT4LiveUpdate``): the client terminal's, idle."""
    return [{"company": "Simulated Broker", "path": "liveupdate\\terminal", "version": 4, "build": 1440,
             "maxConnect": 100, "connections": 0, "type": 0, "enable": 1, "totalFiles": 0}]  # fmt: skip


def gateway_accounts() -> list[dict[str, Any]]:
    """Return the gateway accounts (``MT4GatewayAccount``): none."""
    return []


def gateway_markups() -> list[dict[str, Any]]:
    """Return the gateway markups (``MT4GatewayMarkup``): none."""
    return []


def gateway_rules() -> list[dict[str, Any]]:
    """Return the gateway rules (``MT4GatewayRule``): none."""
    return []


def backup(last_run: str) -> dict[str, Any]:
    """Return the backup settings (``MT4Backup``), the last runs stamped ``last_run`` (ISO UTC)."""
    return {
        "fullBackupPath": "backup", "fullBackupPeriod": "D1", "fullBackupStore": "Mn1", "fullBackupShift": 0,
        "fullBackupLastTime": last_run, "externalPath": "", "archivePeriod": "M30", "archiveStore": "W2",
        "archiveShift": 0, "archiveLastTime": last_run, "exportSecurities": "", "exportPath": "",
        "exportPeriod": "H1", "exportLastTime": last_run, "watchRole": "StandAlone", "watchOpposite": "",
        "watchIp": 0, "watchState": "Disconnected", "watchFailover": "Off", "watchTimeout": 0, "watchLogin": 0,
        "watchTimestamp": 0,
    }  # fmt: skip
