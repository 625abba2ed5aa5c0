"""``python -m desktop.bench NAME [options]``: run one benchmark and print its figures (``--help`` lists them)."""

from __future__ import annotations

import argparse
import os
import sys


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the chosen benchmark."""
    parser = argparse.ArgumentParser(prog="python -m desktop.bench", description=__doc__)
    sub = parser.add_subparsers(dest="bench", required=True)
    ingest = sub.add_parser("ingest", help="ticks/s of a bare pysignalr client vs the app's full path")
    ingest.add_argument("--rate", type=float, default=20_000.0, help="ticks/s the simulator offers")
    ingest.add_argument("--seconds", type=float, default=8.0, help="length of each measurement")
    ingest.add_argument("--warmup", type=float, default=2.0, help="seconds ignored before measuring")
    click = sub.add_parser("click", help="click on a symbol -> its chart painted, under a live feed")
    click.add_argument("--rate", type=float, default=20_000.0, help="ticks/s the simulator offers")
    click.add_argument("--clicks", type=int, default=30, help="how many clicks")
    click.add_argument("--every", type=float, default=0.4, help="seconds between clicks")
    click.add_argument("--warmup", type=float, default=2.0, help="seconds before the first click")
    money = sub.add_parser("money", help="N balance operations under every fault; journal vs the server's ledger")
    money.add_argument("--ops", type=int, default=1000, help="how many operations to send")
    money.add_argument("--seed", type=int, default=1, help="seed of the operations and the simulator")
    monitor = sub.add_parser("monitor", help="the simulator's margin-monitor scan over its seeded accounts")
    monitor.add_argument("--scans", type=int, default=50, help="how many scans to time")
    monitor.add_argument("--accounts", type=int, default=1000, help="accounts the simulator seeds")
    monitor.add_argument("--seed", type=int, default=1, help="seed of the simulator")
    grid = sub.add_parser("grid", help="load, sort and filter of a large account grid model")
    grid.add_argument("--rows", type=int, default=100_000, help="how many accounts")
    args = parser.parse_args(argv)
    if args.bench == "monitor":
        from desktop.bench.monitor import run_monitor

        return run_monitor(scans=args.scans, accounts=args.accounts, seed=args.seed)
    if args.bench == "money":
        from desktop.bench.money import run_money

        return run_money(ops=args.ops, seed=args.seed)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if args.bench == "grid":
        from desktop.bench.grid import run_grid

        return run_grid(rows=args.rows)
    if args.bench == "click":
        from desktop.bench.click import run_click

        return run_click(rate=args.rate, clicks=args.clicks, every=args.every, warmup=args.warmup)
    from desktop.bench.ingest import run_ingest

    return run_ingest(rate=args.rate, seconds=args.seconds, warmup=args.warmup)


if __name__ == "__main__":
    sys.exit(main())
