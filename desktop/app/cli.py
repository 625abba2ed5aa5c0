"""The ``dealer-desk`` command line.

Imports: the standard library and desktop.config.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from pathlib import Path

from desktop import __version__
from desktop.config import PRODUCTION_API, PRODUCTION_AUTH, Credentials

SECRET_ENV = "DEALER_DESK_CLIENT_SECRET"


@dataclass(frozen=True)
class Options:
    """What the user asked for on the command line."""

    demo: bool
    smoke: bool
    screenshot: Path | None
    smoke_timeout_s: float
    smoke_settle_s: float
    smoke_deposit: str | None
    smoke_reconnects: int
    seed: int
    tick_rate: float | None
    scenarios: tuple[str, ...]
    credentials: Credentials | None
    prefill: Credentials | None
    verbose: bool
    operator: str | None


def parse(argv: list[str] | None = None) -> Options:
    """Parse ``argv`` (default: the process's arguments)."""
    args = _parser().parse_args(argv)
    if args.screenshot and not args.smoke:
        _parser().error("--screenshot goes with --smoke")
    if args.scenario and not args.demo:
        _parser().error("--scenario goes with --demo")
    if args.smoke_deposit is not None and not args.smoke:
        _parser().error("--smoke-deposit goes with --smoke")
    if args.smoke_reconnects and not args.smoke:
        _parser().error("--smoke-reconnects goes with --smoke")
    secret = os.environ.get(SECRET_ENV, "")
    prefill = Credentials(args.api_url, args.auth_url, args.client_id or "", secret, args.platform)
    complete = bool(args.client_id and secret)
    return Options(
        demo=args.demo,
        smoke=args.smoke,
        screenshot=args.screenshot,
        smoke_timeout_s=args.smoke_timeout,
        smoke_settle_s=args.smoke_settle,
        smoke_deposit=args.smoke_deposit,
        smoke_reconnects=args.smoke_reconnects,
        seed=args.seed,
        tick_rate=args.tick_rate,
        scenarios=tuple(args.scenario or ()),
        credentials=prefill if complete else None,
        prefill=prefill,
        verbose=args.verbose,
        operator=args.operator,
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dealer-desk",
        description="Dealer and back-office workstation for MetaTrader servers over the CPlugin Cloud WebAPI.",
        epilog=(
            f"The client secret is read from ${SECRET_ENV}; without id and secret a connection dialog opens. "
            "'dealer-desk journal verify' checks the operations journal, "
            "'dealer-desk journal export --csv FILE' writes its audit trail."
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--demo", action="store_true", help="start the bundled WebAPI simulator and connect to it")
    parser.add_argument("--smoke", action="store_true", help="wait for quotes and accounts, print SMOKE OK, exit")
    parser.add_argument("--screenshot", type=Path, metavar="FILE", help="with --smoke: save a grab of the window")
    parser.add_argument(
        "--smoke-deposit",
        metavar="AMOUNT",
        help="with --smoke: make one deposit of AMOUNT through the balance dialog before SMOKE OK",
    )
    parser.add_argument(
        "--smoke-reconnects",
        type=int,
        default=0,
        metavar="N",
        help="with --smoke: also wait until the tick hub has reconnected N times (for --scenario hub-drops)",
    )
    parser.add_argument("--smoke-timeout", type=float, default=60.0, metavar="S", help=argparse.SUPPRESS)
    parser.add_argument("--smoke-settle", type=float, default=1.5, metavar="S", help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=1, help="demo: the simulator's seed")
    parser.add_argument("--tick-rate", type=float, help="demo: ticks per second the simulator sends")
    parser.add_argument(
        "--scenario",
        action="append",
        metavar="NAME[:k=v,…]",
        help="demo: a fault scenario for the simulator (repeatable; list them with dealer-desk-sim --list-scenarios)",
    )
    parser.add_argument("--api-url", default=PRODUCTION_API, help="WebAPI base URL")
    parser.add_argument("--auth-url", default=PRODUCTION_AUTH, help="auth server (OAuth2 authority) URL")
    parser.add_argument("--client-id", help="OAuth2 client id of the API client")
    parser.add_argument("--platform", help="trade platform GUID (default: the first MT4 platform)")
    parser.add_argument(
        "--operator", metavar="NAME", help="who is at the keyboard (recorded with every operation; remembered)"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    return parser
