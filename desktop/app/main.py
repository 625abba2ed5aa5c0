"""``dealer-desk``: build the Qt application and the asyncio loop, then run the chosen mode.

Modes: ``--demo`` (the simulator as a child process), the connection dialog (default, or
straight to the cloud when a client id and ``$DEALER_DESK_CLIENT_SECRET`` are given), and
``--smoke`` (wait for quotes and accounts, print ``SMOKE OK``, exit).

Imports: every layer; the simulator only as a child process.
"""

from __future__ import annotations

import logging
import sys
import time

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from desktop.app import cli
from desktop.app.demo import SimulatorProcess
from desktop.app.desk import Desk, connect_interactively, open_desk
from desktop.app.errors import ErrorRouter
from desktop.app.runtime import run_app
from desktop.app.smoke import run_smoke
from desktop.config import AppConfig
from desktop.domain.errors import DesktopError

_log = logging.getLogger("desktop")


def main(argv: list[str] | None = None) -> int:
    """Run Dealer Desk; return the process exit code."""
    launched_at = time.monotonic()
    options = cli.parse(argv)
    logging.basicConfig(
        level=logging.DEBUG if options.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    return run_app(lambda router: _run(options, router, launched_at))


async def _run(options: cli.Options, router: ErrorRouter, launched_at: float) -> int:
    config = AppConfig()
    settings = None if options.smoke else QSettings()
    simulator: SimulatorProcess | None = None
    try:
        if options.demo:
            simulator = SimulatorProcess(seed=options.seed, tick_rate=options.tick_rate, scenarios=options.scenarios)
            credentials = await simulator.start()
            desk: Desk | None = await open_desk(credentials, config, settings)
        elif options.credentials is not None:
            desk = await _open_or_ask(options, config, settings)
        else:
            desk = await connect_interactively(config, settings, options.prefill)
        if desk is None:
            return 0
        return await _serve(desk, options, router, launched_at)
    except (DesktopError, RuntimeError) as exc:
        return _fail(options, str(exc))
    finally:
        if simulator is not None:
            await simulator.stop()


async def _open_or_ask(options: cli.Options, config: AppConfig, settings: QSettings | None) -> Desk | None:
    """Connect with the command line's credentials; on failure, say why in the connection dialog."""
    assert options.credentials is not None
    try:
        return await open_desk(options.credentials, config, settings)
    except DesktopError as exc:
        if options.smoke:
            raise
        return await connect_interactively(config, settings, options.credentials, first_error=exc)


async def _serve(desk: Desk, options: cli.Options, router: ErrorRouter, launched_at: float) -> int:
    router.add_reporter(lambda line: desk.window.status.show_event(line, "error"))
    try:
        if options.smoke:
            return await run_smoke(
                desk, options.screenshot, options.smoke_timeout_s, options.smoke_settle_s, launched_at
            )
        desk.window.show()
        await desk.wait_closed()
        return 0
    finally:
        await desk.aclose()


def _fail(options: cli.Options, message: str) -> int:
    """Say why the workstation could not start: on stderr, and in a dialog unless smoke-testing."""
    print(f"dealer-desk: {message}", file=sys.stderr)
    if not options.smoke:
        QMessageBox.critical(None, "Dealer Desk", f"Dealer Desk could not start.\n\n{message}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
