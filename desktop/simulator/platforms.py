"""Unversioned endpoints: ``GET /api/TradePlatforms`` and ``GET /api/Organizations``.

Imports: aiohttp and ``desktop.simulator.config``. Used by ``server``.

Both answer bare JSON arrays (no envelope), as the live service does (contract §2.2).
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


def organization() -> dict[str, Any]:
    """Return the demo organization record.

    Returns:
        ``{id, name, created}``.
    """
    return {"id": ORGANIZATION_ID, "name": ORGANIZATION_NAME, "created": CREATED_AT}


def trade_platform() -> dict[str, Any]:
    """Return the one simulated MT4 platform record.

    Returns:
        ``{id, name, type, login, organizationId, organization, created}``.
    """
    return {
        "id": PLATFORM_ID,
        "name": PLATFORM_NAME,
        "type": "MT4",
        "login": PLATFORM_MANAGER_LOGIN,
        "organizationId": ORGANIZATION_ID,
        "organization": organization(),
        "created": CREATED_AT,
    }


async def trade_platforms(request: web.Request) -> web.Response:
    """Answer ``GET /api/TradePlatforms``.

    Args:
        request: The request (authenticated).

    Returns:
        A JSON array with the platform.
    """
    return web.json_response([trade_platform()])


async def organizations(request: web.Request) -> web.Response:
    """Answer ``GET /api/Organizations``.

    Args:
        request: The request (authenticated).

    Returns:
        A JSON array with the organization.
    """
    return web.json_response([organization()])
