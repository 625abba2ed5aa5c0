"""Drive the ``signalrcore`` client against a running simulator (run in a virtualenv of its own).

Usage: ``python hub_signalrcore_client.py BASE_URL CLIENT_ID CLIENT_SECRET PLATFORM_ID [TRANSPORT]``
(TRANSPORT is a ``signalrcore.types.HttpTransportType`` value, 1.0 only). Prints one JSON
line with what it saw; test_sim_hub_signalrcore.py asserts on it. It imports only the
standard library and signalrcore, so it runs with any signalrcore version installed.
"""

from __future__ import annotations

import json
import sys
import threading
import urllib.parse
import urllib.request
from typing import Any

from signalrcore.hub_connection_builder import HubConnectionBuilder

TIMEOUT = 15.0


def _token(base: str, client_id: str, secret: str) -> str:
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    data = urllib.parse.urlencode(form).encode()
    with urllib.request.urlopen(f"{base}/connect/token", data=data, timeout=TIMEOUT) as response:
        return str(json.load(response)["access_token"])


def main(argv: list[str]) -> dict[str, Any]:
    """Connect, subscribe to EURUSD and wait for three ``OnTick`` pushes.

    Args:
        argv: Base URL, client id, secret, platform and optionally the transport.

    Returns:
        What was observed.
    """
    base, client_id, secret, platform = argv[:4]
    options: dict[str, Any] = {"access_token_factory": lambda: _token(base, client_id, secret)}
    if len(argv) > 4:
        from signalrcore.types import HttpTransportType

        options["transport"] = HttpTransportType(argv[4])
    hub = HubConnectionBuilder().with_url(f"{base}/hubs/mt4/v2?tradePlatform={platform}", options=options).build()
    opened, ticked, statused = threading.Event(), threading.Event(), threading.Event()
    seen: dict[str, Any] = {"ticks": [], "status": None, "errors": [], "completions": 0}

    def on_tick(arguments: list[Any]) -> None:
        if arguments and arguments[0].get("symbol") == "EURUSD":
            seen["ticks"].append(arguments[0])
            if len(seen["ticks"]) >= 3:
                ticked.set()

    def on_status(arguments: list[Any]) -> None:
        seen["status"] = arguments[0] if arguments else None
        statused.set()

    def on_completion(_message: Any) -> None:
        seen["completions"] += 1

    hub.on_open(opened.set)
    hub.on_error(lambda error: seen["errors"].append(str(getattr(error, "error", error))))
    hub.on("OnConnectionStatus", on_status)
    hub.on("OnTick", on_tick)
    hub.start()
    try:
        seen["opened"] = opened.wait(TIMEOUT)
        seen["statusSeen"] = statused.wait(TIMEOUT)
        hub.send("SubscribeToTicks", ["EURUSD"], on_invocation=on_completion)
        seen["ticked"] = ticked.wait(TIMEOUT)
        seen["transport"] = type(getattr(hub, "transport", None)).__name__
    finally:
        hub.stop()
    seen["ticks"] = seen["ticks"][:3]
    return seen


if __name__ == "__main__":
    sys.stdout.write(json.dumps(main(sys.argv[1:])) + "\n")
    sys.exit(0)
