"""Unversioned endpoints: ``GET /api/TradePlatforms`` and ``GET /api/Organizations``.

Imports: aiohttp and ``desktop.simulator`` (``config``, ``mt5``). Used by ``server``.

Both answer bare JSON arrays (no envelope), as the live service does (contract §2.2).
``TradePlatforms`` lists the MT4 platform first and the MT5 platform second.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from desktop.simulator.config import (
    CREATED_AT,
    ORGANIZATION_ID,
    ORGANIZATION_NAME,
    PLATFORM_ID,
    PLATFORM_MANAGER_LOGIN,
    PLATFORM_NAME,
)
from desktop.simulator.world.mt5.platform import MT5_MANAGER_LOGIN, MT5_PLATFORM_ID, MT5_PLATFORM_NAME


def organization() -> dict[str, Any]:
    """Return the demo organization record.

    Returns:
        ``{id, name, created}``.
    """
    return {"id": ORGANIZATION_ID, "name": ORGANIZATION_NAME, "created": CREATED_AT}


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


async def trade_platforms(request: web.Request) -> web.Response:
    """Answer ``GET /api/TradePlatforms``.

    Args:
        request: The request (authenticated).

    Returns:
        A JSON array with the MT4 and the MT5 platform.
    """
    return web.json_response([trade_platform("MT4"), trade_platform("MT5")])


async def organizations(request: web.Request) -> web.Response:
    """Answer ``GET /api/Organizations``.

    Args:
        request: The request (authenticated).

    Returns:
        A JSON array with the organization.
    """
    return web.json_response([organization()])
