"""Command line: ``python -m desktop.simulator`` (console script ``dealer-desk-sim``).

Imports: stdlib and ``desktop.simulator`` (``config``, ``scenarios``, ``server``).

Binds, prints the line ``Listening on http://HOST:PORT`` (flushed) once the server accepts
connections, then the line ``Control token: TOKEN`` (the secret of the ``/_sim/`` control
routes; ``--control-token`` or ``$DEALER_DESK_SIM_CONTROL_TOKEN`` chooses it, else it is
random), and runs until SIGINT or SIGTERM, then shuts down cleanly (exit 0).
``--scenario NAME[:key=value,…]`` (repeatable) starts fault scenarios with the server;
``--list-scenarios`` prints the catalogue and exits. Scenarios are described in ``--help``
and in ``scenarios``.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys

from desktop.simulator.config import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_TICK_RATE, SimConfig
from desktop.simulator.faults.scenarios import catalogue as scenarios
from desktop.simulator.faults.scenarios.types import merge_params, parse_scenario
from desktop.simulator.server.app import start

CONTROL_TOKEN_ENV = "DEALER_DESK_SIM_CONTROL_TOKEN"
_EPILOG = """\
scenarios (--scenario NAME[:key=value,...], repeatable; times in seconds from the start;
the timeline follows the tick clock, so the same --seed replays the same prices and effects):

{listing}

control routes: /_sim/... with "Authorization: SimControl <token>" (the token printed at
startup, or --control-token / $DEALER_DESK_SIM_CONTROL_TOKEN); without it they answer 404.
See desktop/simulator/control_api.py.
"""


def _scenario(text: str) -> str:
    name, overrides = parse_scenario(text)
    if name not in scenarios.CATALOGUE:
        raise argparse.ArgumentTypeError(f"unknown scenario '{name}' (see --list-scenarios)")
    try:
        merge_params(scenarios.CATALOGUE[name], overrides)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dealer-desk-sim",
        description="Local CPlugin WebAPI (MT4 v2) simulator.",
        epilog=_EPILOG.format(listing=scenarios.listing()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port; 0 picks a free one (default 0)")
    parser.add_argument("--seed", type=int, default=1, help="seed of accounts, prices and scenarios (default 1)")
    parser.add_argument(
        "--tick-rate",
        type=float,
        default=DEFAULT_TICK_RATE,
        help=f"total ticks per second across all symbols, 0 = none (default {DEFAULT_TICK_RATE:g})",
    )
    parser.add_argument("--client-id", default=DEFAULT_CLIENT_ID, help="accepted OAuth2 client id")
    parser.add_argument("--client-secret", default=DEFAULT_CLIENT_SECRET, help="accepted OAuth2 client secret")
    parser.add_argument("--token-lifetime", type=int, default=3600, help="access token lifetime in seconds")
    parser.add_argument("--accounts", type=int, default=1000, help="number of generated accounts")
    parser.add_argument("--log-level", default="WARNING", help="Python logging level (default WARNING)")
    parser.add_argument(
        "--scenario",
        action="append",
        default=[],
        type=_scenario,
        metavar="NAME[:K=V,...]",
        help="start a fault scenario with the server (repeatable; default calm)",
    )
    parser.add_argument(
        "--issuer", help="iss of the tokens and the discovery document (default: the bound http://host:port)"
    )
    parser.add_argument(
        "--allowed-host",
        action="append",
        default=[],
        metavar="NAME",
        help="also accept this name in the Host header (repeatable; the bound address and loopback always are)",
    )
    parser.add_argument("--list-scenarios", action="store_true", help="list the scenarios and exit")
    parser.add_argument(
        "--control-token",
        default=os.environ.get(CONTROL_TOKEN_ENV) or None,
        help=f"secret of the /_sim/ control routes (default: ${CONTROL_TOKEN_ENV}, else random; printed)",
    )
    parser.add_argument(
        "--exit-with-stdin",
        action="store_true",
        help="also stop when standard input closes (a parent process that dies takes the simulator along)",
    )
    return parser


def parse_args(argv: list[str] | None = None) -> SimConfig:
    """Turn command-line arguments into a configuration (``--list-scenarios`` prints and exits).

    Args:
        argv: Arguments (default: ``sys.argv[1:]``).

    Returns:
        The configuration.
    """
    parser = _parser()
    args = parser.parse_args(argv)
    if args.list_scenarios:
        print(scenarios.listing())
        parser.exit(0)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        return SimConfig(
            host=args.host,
            port=args.port,
            seed=args.seed,
            tick_rate=args.tick_rate,
            client_id=args.client_id,
            client_secret=args.client_secret,
            token_lifetime=args.token_lifetime,
            accounts=args.accounts,
            control_token=args.control_token,
            scenarios=tuple(args.scenario),
            issuer=args.issuer,
            allowed_hosts=tuple(args.allowed_host),
        )
    except ValueError as exc:
        parser.error(str(exc))


async def serve(config: SimConfig, *, exit_with_stdin: bool = False) -> None:
    """Run a simulator until SIGINT or SIGTERM (or, if asked, until standard input closes).

    Args:
        config: Settings.
        exit_with_stdin: Also stop at end-of-file on standard input.
    """
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    if exit_with_stdin:
        loop.add_reader(sys.stdin.fileno(), _on_stdin_readable, stop)
    running = await start(config)
    try:
        print(f"Listening on {running.url}", flush=True)
        print(f"Control token: {running.control.faults.control_token}", flush=True)
        await stop.wait()
    finally:
        await running.aclose()


def _on_stdin_readable(stop: asyncio.Event) -> None:
    if not os.read(sys.stdin.fileno(), 4096):  # end of file: the parent has gone
        asyncio.get_running_loop().remove_reader(sys.stdin.fileno())
        stop.set()


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``dealer-desk-sim``.

    Args:
        argv: Arguments (default: ``sys.argv[1:]``).

    Returns:
        Process exit code.
    """
    args = argv if argv is not None else sys.argv[1:]
    asyncio.run(serve(parse_args(args), exit_with_stdin="--exit-with-stdin" in args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
