"""Unversioned endpoints: ``GET /api/TradePlatforms`` and ``GET /api/Organizations``.

Imports: aiohttp and ``desktop.simulator`` (``config``, ``mt5``). Used by ``server``.

Both answer bare JSON arrays (no envelope), as the live service does (contract §2.2), and
both list only what the caller's organisation owns (``tenancy``): for this simulator's own
client the MT4 platform first and the MT5 platform second; for another organisation's
client no platform and its own organisation.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from desktop.simulator.auth.tenancy import ORGANIZATION_NAMES, platforms_of
from desktop.simulator.config import (
    CREATED_AT,
    ORGANIZATION_ID,
    ORGANIZATION_NAME,
    PLATFORM_ID,
    PLATFORM_MANAGER_LOGIN,
    PLATFORM_NAME,
)
from desktop.simulator.world.mt5.platform import MT5_MANAGER_LOGIN, MT5_PLATFORM_ID, MT5_PLATFORM_NAME


def organization(organization_id: str = ORGANIZATION_ID) -> dict[str, Any]:
    """Return an organization record.

    Args:
        organization_id: Which organisation (default: the demo one).

    Returns:
        ``{id, name, created}``.
    """
    name = ORGANIZATION_NAMES.get(organization_id, ORGANIZATION_NAME)
    return {"id": organization_id, "name": name, "created": CREATED_AT}


def trade_platform(kind: str = "MT4") -> dict[str, Any]:
    """Return a simulated platform record.

    Args:
        kind: ``MT4`` or ``MT5``.

    Returns:
        ``{id, name, type, login, organizationId, organization, created}``.
    """
    mt5 = kind == "MT5"
    return {
        "id": MT5_PLATFORM_ID if mt5 else PLATFORM_ID,
        "name": MT5_PLATFORM_NAME if mt5 else PLATFORM_NAME,
        "type": kind,
        "login": MT5_MANAGER_LOGIN if mt5 else PLATFORM_MANAGER_LOGIN,
        "organizationId": ORGANIZATION_ID,
        "organization": organization(),
        "created": CREATED_AT,
    }


async def trade_platforms(_request: web.Request, caller: str) -> web.Response:
    """Answer ``GET /api/TradePlatforms``.

    Args:
        _request: The request (authenticated).
        caller: The caller's organisation.

    Returns:
        A JSON array of the platforms the caller's organisation owns.
    """
    owned = platforms_of(caller)
    kinds = [kind for kind, pid in (("MT4", PLATFORM_ID), ("MT5", MT5_PLATFORM_ID)) if pid in owned]
    return web.json_response([trade_platform(kind) for kind in kinds])


async def organizations(_request: web.Request, caller: str) -> web.Response:
    """Answer ``GET /api/Organizations``.

    Args:
        _request: The request (authenticated).
        caller: The caller's organisation.

    Returns:
        A JSON array with the caller's organization.
    """
    return web.json_response([organization(caller)])
