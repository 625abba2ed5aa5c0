"""Command line: ``python -m desktop.simulator`` (console script ``dealer-desk-sim``).

Imports: stdlib and ``desktop.simulator`` (``config``, ``server``).

Binds, prints exactly one line ``Listening on http://HOST:PORT`` (flushed) once the server
accepts connections, and runs until SIGINT or SIGTERM, then shuts down cleanly (exit 0).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys

from desktop.simulator.config import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_TICK_RATE, SimConfig
from desktop.simulator.server import start


def parse_args(argv: list[str] | None = None) -> SimConfig:
    """Turn command-line arguments into a configuration.

    Args:
        argv: Arguments (default: ``sys.argv[1:]``).

    Returns:
        The configuration.
    """
    parser = argparse.ArgumentParser(prog="dealer-desk-sim", description="Local CPlugin WebAPI (MT4 v2) simulator.")
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port; 0 picks a free one (default 0)")
    parser.add_argument("--seed", type=int, default=1, help="seed of accounts and prices (default 1)")
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
        "--exit-with-stdin",
        action="store_true",
        help="also stop when standard input closes (a parent process that dies takes the simulator along)",
    )
    args = parser.parse_args(argv)
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
