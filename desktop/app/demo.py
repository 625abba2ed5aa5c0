"""SimulatorProcess: the local WebAPI simulator as a child process, for ``--demo``.

The simulator runs in its own process so the workstation talks to it exactly as to the
real cloud, over loopback sockets, and so its price feed never competes with the GUI for
the interpreter lock.

Imports: the standard library, desktop.config and desktop.services.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import sys

from desktop.config import Credentials
from desktop.services.tasks import TaskOwner

_log = logging.getLogger(__name__)

DEMO_CLIENT_ID = "demo-dealer"
DEMO_CLIENT_SECRET = "demo-secret"
_LISTENING = re.compile(rb"^Listening on (http://\S+)\s*$")
_CONTROL_TOKEN = re.compile(rb"^Control token: (\S+)\s*$")


class SimulatorProcess:
    """Starts ``python -m desktop.simulator`` on a free loopback port and stops it again."""

    def __init__(
        self,
        *,
        seed: int = 1,
        tick_rate: float | None = None,
        scenarios: tuple[str, ...] = (),
        start_timeout_s: float = 20.0,
    ) -> None:
        self._seed = seed
        self._tick_rate = tick_rate
        self._scenarios = scenarios
        self._start_timeout = start_timeout_s
        self._process: asyncio.subprocess.Process | None = None
        self._tasks = TaskOwner()
        self.url: str | None = None
        self.control_token: str | None = None  # the secret of its /_sim/ routes, never logged

    def command(self) -> list[str]:
        """The child's command line."""
        cmd = [sys.executable, "-m", "desktop.simulator", "--host", "127.0.0.1", "--port", "0", "--exit-with-stdin"]
        cmd += ["--seed", str(self._seed)]
        if self._tick_rate is not None:
            cmd += ["--tick-rate", str(self._tick_rate)]
        for scenario in self._scenarios:
            cmd += ["--scenario", scenario]
        return cmd

    async def start(self) -> Credentials:
        """Start the child and wait for its ``Listening on`` and ``Control token`` lines; return demo credentials.

        Raises:
            RuntimeError: the simulator exited or stayed silent; the message has its output.
        """
        # The child stops when this pipe closes, so it never outlives the app, however it ends.
        self._process = await asyncio.create_subprocess_exec(
            *self.command(),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        try:
            url, self.control_token = await asyncio.wait_for(self._read_banner(), self._start_timeout)
        except TimeoutError:
            await self.stop()
            raise RuntimeError(f"the simulator did not start within {self._start_timeout:.0f} s") from None
        self._tasks.spawn("simulator-output", self._drain_output())
        self.url = url
        return Credentials(url, url, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)

    async def _drain_output(self) -> None:
        """Keep reading the child's output into the log, so a full pipe never blocks it."""
        assert self._process is not None
        assert self._process.stdout is not None
        async for line in self._process.stdout:
            _log.info("simulator: %s", line.decode(errors="replace").rstrip())

    async def _read_banner(self) -> tuple[str, str]:
        """The URL and the control token the child prints once it listens (the token is not logged)."""
        assert self._process is not None
        assert self._process.stdout is not None
        seen: list[bytes] = []
        url: str | None = None
        async for line in self._process.stdout:
            listening, token = _LISTENING.match(line), _CONTROL_TOKEN.match(line)
            if listening:
                url = listening.group(1).decode()
            elif token and url is not None:
                return url, token.group(1).decode()
            else:
                seen.append(line)
        await self._process.wait()
        output = b"".join(seen[-20:]).decode(errors="replace")
        raise RuntimeError(f"the simulator exited with code {self._process.returncode}:\n{output}")

    async def stop(self) -> None:
        """Terminate the child (kill it if it does not go within 3 s)."""
        process, self._process = self._process, None
        await self._tasks.aclose()
        if process is None or process.returncode is not None:
            return
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), 3.0)
        except TimeoutError:
            _log.warning("simulator did not stop on SIGTERM; killing it")
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
