"""``dealer-desk``: build the Qt application and the asyncio loop, then run the chosen mode.

Modes: ``--demo`` (the simulator as a child process), the connection dialog (default, or
straight to the cloud when a client id and ``$DEALER_DESK_CLIENT_SECRET`` are given),
``--smoke`` (wait for quotes and accounts, optionally make one deposit with
``--smoke-deposit AMOUNT``, print ``SMOKE OK``, exit), and ``dealer-desk journal verify`` /
``dealer-desk journal export --csv FILE`` (no window).

The operator name is asked on the first start and remembered per OS user; ``--operator``
sets it, ``--smoke`` runs use the remembered one or the OS user name. SIGTERM/SIGINT and
closing the window wait for a write in flight (desktop.app.shutdown).

Imports: every layer; the simulator only as a child process.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from collections.abc import Coroutine
from typing import Any

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from desktop.app import cli, journal_cli, redaction
from desktop.app.demo import SimulatorProcess
from desktop.app.desk import Desk, StartAbandoned, connect_interactively, open_desk
from desktop.app.errors import ErrorRouter
from desktop.app.operator_prompt import operator_name
from desktop.app.runtime import run_app
from desktop.app.shutdown import Shutdown
from desktop.app.smoke import run_smoke
from desktop.config import AppConfig
from desktop.domain.errors import DesktopError, ServerUnreachable

_log = logging.getLogger("desktop")


def main(argv: list[str] | None = None) -> int:
    """Run Dealer Desk; return the process exit code."""
    launched_at = time.monotonic()
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["journal"]:
        return journal_cli.main(args[1:])
    options = cli.parse(args)
    logging.basicConfig(
        level=logging.DEBUG if options.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    redaction.install()
    if options.prefill is not None:
        redaction.register_secret(options.prefill.client_secret)
    shutdown = Shutdown()
    return run_app(lambda router: _run(options, router, launched_at, shutdown), shutdown.signal)


async def _run(options: cli.Options, router: ErrorRouter, launched_at: float, shutdown: Shutdown) -> int:
    config = AppConfig()
    settings = None if options.smoke else QSettings()
    simulator: SimulatorProcess | None = None
    try:
        operator = await operator_name(options.operator, interactive=not options.smoke)
        if operator is None:
            return 0
        if options.demo:
            simulator = SimulatorProcess(seed=options.seed, tick_rate=options.tick_rate, scenarios=options.scenarios)
            credentials = await simulator.start()
            redaction.register_secret(simulator.control_token)
            desk: Desk | None = await _bounded(
                options, open_desk(credentials, config, settings, operator=operator, show=not options.smoke)
            )
        elif options.credentials is not None:
            desk = await _open_or_ask(options, config, settings, operator)
        else:
            desk = await connect_interactively(config, settings, options.prefill, operator=operator)
        if desk is None:
            return 0
        shutdown.attach(desk)
        return await _serve(desk, options, router, launched_at)
    except StartAbandoned:
        return 0
    except (DesktopError, RuntimeError) as exc:
        return _fail(options, str(exc))
    finally:
        if simulator is not None:
            await simulator.stop()


async def _open_or_ask(
    options: cli.Options, config: AppConfig, settings: QSettings | None, operator: str
) -> Desk | None:
    """Connect with the command line's credentials; on failure, say why in the connection dialog."""
    assert options.credentials is not None
    try:
        return await _bounded(
            options, open_desk(options.credentials, config, settings, operator=operator, show=not options.smoke)
        )
    except StartAbandoned:
        raise
    except DesktopError as exc:
        if options.smoke:
            raise
        return await connect_interactively(config, settings, options.credentials, first_error=exc, operator=operator)


async def _serve(desk: Desk, options: cli.Options, router: ErrorRouter, launched_at: float) -> int:
    router.add_reporter(lambda line: desk.window.status.show_event(line, "error"))
    try:
        if options.smoke:
            return await run_smoke(
                desk,
                options.screenshot,
                options.smoke_timeout_s,
                options.smoke_settle_s,
                launched_at,
                deposit=options.smoke_deposit,
                reconnects=options.smoke_reconnects,
            )
        desk.window.show()
        await desk.wait_closed()
        return 0
    finally:
        await desk.aclose()


async def _bounded(options: cli.Options, opening: Coroutine[Any, Any, Desk]) -> Desk:
    """``await opening``; a smoke run gives a start that keeps waiting ``--smoke-timeout`` seconds."""
    if not options.smoke:
        return await opening
    try:
        return await asyncio.wait_for(opening, options.smoke_timeout_s)
    except TimeoutError:
        raise ServerUnreachable(f"The session did not open within {options.smoke_timeout_s:.0f} s.") from None


def _fail(options: cli.Options, message: str) -> int:
    """Say why the workstation could not start: on stderr, and in a dialog unless smoke-testing."""
    message = redaction.redact(message)
    print(f"dealer-desk: {message}", file=sys.stderr)
    if not options.smoke:
        QMessageBox.critical(None, "Dealer Desk", f"Dealer Desk could not start.\n\n{message}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
