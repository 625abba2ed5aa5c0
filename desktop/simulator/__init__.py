"""Local simulator of the CPlugin Cloud WebAPI (token service, MT4/MT5 v2 REST, v1, SignalR hubs).

Imports: stdlib, aiohttp, orjson, numpy, PyJWT/cryptography and ``desktop.simulator.*`` only,
never other ``desktop`` layers, pysignalr, the vendor SDK or Qt. Used by tests, ``desktop.app``
demo mode and developers.

Start it with ``python -m desktop.simulator --port 0`` (prints ``Listening on http://…``),
``await start(SimConfig(...))`` on a running loop, or ``with SimulatorThread(cfg) as sim:``
from synchronous code. The base URL is at once API base, OAuth authority and hub host. The
MT4 platform is ``PLATFORM_ID``, the MT5 platform ``MT5_PLATFORM_ID``; the demo client is
``demo-dealer`` / ``demo-secret``. State is reached through ``RunningSimulator.control``
(``SimControl``).

Map (each package imports only from the ones below it; import-linter "Simulator layers"):

* ``__main__``, ``tools`` - command line; hand-run tools (``tools.bench``).
* ``server`` - the aiohttp application, ``start``, ``SimulatorThread``; the tick pump.
* ``control`` - ``SimControl`` (the state handle) and the ``/_sim/`` control routes.
* ``faults`` - request faults, disruptions, market faults; ``faults.scenarios`` timelines.
* ``rest`` - ``rest.pipeline`` (v2 envelope, params, idempotency, execution), ``rest.v2``
  operations with ``rest.v2.dto``, ``rest.v1``, ``rest.platforms``.
* ``hubs`` - SignalR negotiate, protocol, connections, MT4/MT5 v2 and v1 hubs, streams.
* ``auth``, ``http`` - OAuth2 tokens; the restartable listener and the router.
* ``world`` - the simulated servers' state, no HTTP: ``market``, ``mt4``, ``mt5``, ``events``.
* ``config``, ``wire`` - settings and constants; wire formatting.

Lower packages reach the state through narrow Protocols that ``SimControl`` fits, never by
importing it. The behaviour decisions (where the contract is silent) are in docs/simulator.md.
"""

from __future__ import annotations

from desktop.simulator.config import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    HUB_PATH,
    ORGANIZATION_ID,
    PLATFORM_ID,
    SimConfig,
)
from desktop.simulator.control.state import SimControl
from desktop.simulator.server.app import RunningSimulator, SimulatorThread, start
from desktop.simulator.world.mt5.platform import MT5_PLATFORM_ID

__all__ = [
    "DEFAULT_CLIENT_ID",
    "DEFAULT_CLIENT_SECRET",
    "HUB_PATH",
    "MT5_PLATFORM_ID",
    "ORGANIZATION_ID",
    "PLATFORM_ID",
    "RunningSimulator",
    "SimConfig",
    "SimControl",
    "SimulatorThread",
    "start",
]
