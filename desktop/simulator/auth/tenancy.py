"""Who owns which trade platform: the one check every route makes before it runs.

Imports: ``desktop.simulator.config`` only. Used by ``rest.platforms`` (the unversioned
lists), ``rest.v1`` and ``rest.pipeline.v2``.

A token names its organisation (``org_id``); a platform belongs to exactly one
organisation. A route that names a platform refuses a caller whose organisation does not
own it, whatever the API version, before reading the body or touching any state; the
unversioned ``TradePlatforms`` and ``Organizations`` list only the caller's own.
"""

from __future__ import annotations

from desktop.simulator.config import (
    MT5_PLATFORM_ID,
    ORGANIZATION_ID,
    ORGANIZATION_NAME,
    OTHER_ORGANIZATION_ID,
    OTHER_ORGANIZATION_NAME,
    OTHER_PLATFORM_ID,
    PLATFORM_ID,
)

#: Owner organisation of every platform the simulator knows (the other organisation's is
#: known but not served).
PLATFORM_OWNERS = {
    PLATFORM_ID: ORGANIZATION_ID,
    MT5_PLATFORM_ID: ORGANIZATION_ID,
    OTHER_PLATFORM_ID: OTHER_ORGANIZATION_ID,
}
#: Display name of every organisation.
ORGANIZATION_NAMES = {ORGANIZATION_ID: ORGANIZATION_NAME, OTHER_ORGANIZATION_ID: OTHER_ORGANIZATION_NAME}
#: The platforms this simulator serves, in the order ``TradePlatforms`` lists them.
SERVED_PLATFORMS = (PLATFORM_ID, MT5_PLATFORM_ID)


def owns(organization: str, platform: str) -> bool:
    """Tell whether an organisation owns a platform.

    Args:
        organization: The caller's organisation (the token's ``org_id``).
        platform: A platform GUID as it came in the request (any case).

    Returns:
        True only for the owner; an unknown platform is owned by nobody.
    """
    return PLATFORM_OWNERS.get(platform.strip().lower()) == organization


def platforms_of(organization: str) -> tuple[str, ...]:
    """List the served platforms an organisation owns, in listing order.

    Args:
        organization: The caller's organisation.

    Returns:
        Their GUIDs (empty for an organisation with none here).
    """
    return tuple(p for p in SERVED_PLATFORMS if PLATFORM_OWNERS[p] == organization)
