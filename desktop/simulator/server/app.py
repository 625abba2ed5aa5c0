"""Assembly of the simulator's HTTP server, and the ways to run it: ``start`` and ``SimulatorThread``.

Imports: stdlib, aiohttp and every ``desktop.simulator`` endpoint module. Used by
``__main__`` (CLI), ``bench``, tests and the app's demo mode.

One aiohttp application serves the token service, the unversioned and v2 REST endpoints
and the SignalR hub on one port. aiohttp's router is case-sensitive, so a single
catch-all route dispatches through ``routing.Router`` (case-insensitive, like ASP.NET).
The listening socket is bound here (port 0 = any free port) and its real port read back.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

from aiohttp import web

from desktop.simulator.auth import endpoint as oauth
from desktop.simulator.auth import tokens as auth
from desktop.simulator.config import HUB_PATH, LOOPBACK_HOSTS, PLATFORM_ID, SimConfig
from desktop.simulator.control import api as control_api
from desktop.simulator.control.state import LoggedRequest, SimControl
from desktop.simulator.http.listener import Listener, bind
from desktop.simulator.http.routing import Auth, MethodNotAllowed, Router
from desktop.simulator.rest import platforms
from desktop.simulator.rest import v1 as rest_v1
from desktop.simulator.rest.pipeline import v2 as rest_v2
from desktop.simulator.rest.pipeline.operation import Operation
from desktop.simulator.server.pump import TickPump

_T = TypeVar("_T")
Handler = Callable[[web.Request, dict[str, str], "auth.TokenClaims | None"], Awaitable[web.StreamResponse]]
_CONTROL = web.AppKey("control", SimControl)
_ROUTER = web.AppKey("router", Router[Handler])
_HOSTS = web.AppKey("hosts", frozenset[str])


def build_router(control: SimControl) -> Router[Handler]:
    """Register every endpoint of the simulator.

    Args:
        control: Simulator state the handlers work on.

    Returns:
        The router.
    """
    router: Router[Handler] = Router()

    async def discovery(request: web.Request, _p: dict[str, str], _c: auth.TokenClaims | None) -> web.Response:
        return web.json_response(oauth.discovery_document(request, control.issuer))

    async def jwks(_r: web.Request, _p: dict[str, str], _c: auth.TokenClaims | None) -> web.Response:
        return web.json_response(control.issuer.jwks())

    async def token(request: web.Request, _p: dict[str, str], _c: auth.TokenClaims | None) -> web.Response:
        return await oauth.token_endpoint(request, control.issuer)

    async def unversioned(
        fn: Callable[[web.Request, str], Awaitable[web.Response]],
        request: web.Request,
        _p: dict[str, str],
        claims: auth.TokenClaims | None,
    ) -> web.Response:
        return await fn(request, claims.organization if claims is not None else "")

    async def negotiate(request: web.Request, _p: dict[str, str], _c: auth.TokenClaims | None) -> web.Response:
        return await control.hub.negotiate_endpoint(request)

    async def hub(request: web.Request, _p: dict[str, str], claims: auth.TokenClaims | None) -> web.StreamResponse:
        return await control.hub.endpoint(request, claims)

    router.add("GET", "/.well-known/openid-configuration", discovery, Auth.NONE)
    router.add("GET", "/.well-known/openid-configuration/jwks", jwks, Auth.NONE)
    router.add("POST", "/connect/token", token, Auth.NONE)
    router.add("GET", "/api/TradePlatforms", functools.partial(unversioned, platforms.trade_platforms), Auth.BEARER)
    router.add("GET", "/api/Organizations", functools.partial(unversioned, platforms.organizations), Auth.BEARER)
    for hub_path in control.hub.paths:  # /hubs/mt4/v2, /hubs/mt5/v2, /hubs/mt4/v1
        router.add("POST", hub_path + "/negotiate", negotiate, Auth.HUB)
        router.add("GET", hub_path, hub, Auth.HUB)  # WebSocket, event stream, long poll
        router.add("POST", hub_path, hub, Auth.HUB)  # what SSE and long-polling clients send
        router.add("DELETE", hub_path, hub, Auth.HUB)  # end of a long-polling connection
    for op in rest_v2.OPERATIONS:
        router.add(op.method, rest_v2.PREFIX + op.action, _v2_handler(control, op), Auth.BEARER)
    for op in rest_v2.MT5_OPERATIONS:
        router.add(op.method, rest_v2.MT5_PREFIX + op.action, _v2_handler(control, op), Auth.BEARER)
    rest_v1.V1Routes(control).register(router, Auth.BEARER)
    return router


def _v2_handler(control: SimControl, op: Operation) -> Handler:
    async def run(request: web.Request, params: dict[str, str], claims: auth.TokenClaims | None) -> web.Response:
        client = claims.client_id if claims is not None else ""
        return await rest_v2.handle(request, params, op, control, client, claims)

    return run


async def _dispatch(request: web.Request) -> web.StreamResponse:
    control, router = request.app[_CONTROL], request.app[_ROUTER]
    intercepted = await control_api.intercept(request, control)  # /_sim/ routes, proxy faults, 503
    if intercepted is not None:
        return intercepted
    injected = control.take_failure(request.path)
    if injected is not None:
        return web.Response(status=injected, text=f"Simulated failure (HTTP {injected})")
    try:
        match = router.match(request.method, request.path)
    except MethodNotAllowed:
        return web.Response(status=405)
    if match is None:
        return web.Response(status=404)
    claims = None
    if match.route.auth is not Auth.NONE:
        token = auth.bearer_token(request, allow_query=match.route.auth is Auth.HUB)
        if token is None:
            return auth.unauthorized(None)
        try:
            claims = control.issuer.verify(token)
        except auth.InvalidToken as exc:
            return auth.unauthorized(str(exc))
    return await match.route.handler(request, match.params, claims)


def _host_allowed(host: str, allowed: frozenset[str]) -> bool:
    name = host.strip().lower()
    if name.startswith("["):  # [::1]:port
        name = name[1 : name.find("]")] if "]" in name else name
    elif name.count(":") == 1:
        name = name.partition(":")[0]
    return name in allowed or name.endswith(".localhost")


@web.middleware
async def _host_filter(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Refuse a request whose ``Host`` names neither the bound address nor loopback.

    A web page that rebinds its own DNS name to 127.0.0.1 reaches this port with its own
    name in ``Host``; refusing it (as ASP.NET Core's host filtering does, HTTP 400) keeps
    such a page from using the public demo credentials against a running simulator.
    """
    allowed: frozenset[str] = request.app[_HOSTS]
    if not _host_allowed(request.headers.get("Host", ""), allowed):
        return web.Response(status=400, text="Bad Request - Invalid Hostname", content_type="text/html")
    return await handler(request)


def _short(name: str, value: str) -> str:
    return value[:20] + "…" if name.lower() == "authorization" and len(value) > 20 else value


@web.middleware
async def _log_requests(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    arrived = time.time()
    if control_api.is_control_path(request.path):  # the control surface is never logged
        return await handler(request)
    body = b"" if request.headers.get("Upgrade") else await request.read()
    response = await handler(request)
    headers = {name: _short(name, value) for name, value in request.headers.items()}
    entry = LoggedRequest(request.method, request.path, request.query_string, headers, body, response.status, arrived)
    request.app[_CONTROL].requests.append(entry)
    return response


def build_app(control: SimControl) -> web.Application:
    """Create the aiohttp application of a simulator.

    Args:
        control: Simulator state.

    Returns:
        The application (not yet running).
    """
    app = web.Application(middlewares=[_host_filter, _log_requests], client_max_size=4 * 1024 * 1024)
    config = control.config
    app[_HOSTS] = frozenset(h.strip("[]").lower() for h in (*LOOPBACK_HOSTS, config.host, *config.allowed_hosts))
    app[_CONTROL] = control
    app[_ROUTER] = build_router(control)
    app.router.add_route("*", "/{tail:.*}", _dispatch)

    async def close_hub(_app: web.Application) -> None:
        await control.hub.close_all()

    app.on_shutdown.append(close_hub)
    return app


class RunningSimulator:
    """A started simulator on the current event loop.

    Attributes:
        control: Runtime state and test handle (also available as ``state``).
        host: Bound host.
        port: Bound port (the real one when 0 was asked for).
        url: ``http://host:port`` (API base, authority and hub host at once).
    """

    def __init__(self, control: SimControl, runner: web.AppRunner, pump: TickPump, host: str, port: int) -> None:
        self.control = control
        self.host = host
        self.port = port
        self.url = _base_url(host, port)
        self._runner = runner
        self._pump = pump
        self._closed = False

    @property
    def state(self) -> SimControl:
        """Alias of ``control``."""
        return self.control

    @property
    def hub_url(self) -> str:
        """Hub URL including the ``tradePlatform`` query parameter."""
        return f"{self.url}{HUB_PATH}?tradePlatform={PLATFORM_ID}"

    async def aclose(self) -> None:
        """Stop the feed, close hub connections and the listening socket (idempotent)."""
        if self._closed:
            return
        self._closed = True
        await self.control.scenarios.aclose()
        await self.control.faults.aclose()
        await self._pump.stop()
        await self._runner.cleanup()


async def start(config: SimConfig | None = None) -> RunningSimulator:
    """Start a simulator on the running event loop.

    Args:
        config: Settings (default: ``SimConfig()``, port 0 on 127.0.0.1).

    Returns:
        The running simulator; call ``aclose()`` to stop it.
    """
    config = config or SimConfig()
    control = SimControl(config)
    control.scenarios.activate(config.scenarios)  # raises ValueError/KeyError before anything is bound
    runner = web.AppRunner(build_app(control), access_log=None, shutdown_timeout=config.shutdown_timeout)
    await runner.setup()
    sock = bind(config.host, config.port)
    try:
        site = web.SockSite(runner, sock)
        await site.start()
    except BaseException:
        sock.close()
        await runner.cleanup()
        raise
    port = sock.getsockname()[1]
    control.issuer.issuer_url = config.issuer or _base_url(config.host, port)
    control.faults.listener = Listener(runner, site, config.host, port)
    pump = TickPump(control)
    pump.start()
    control.hub.start()
    return RunningSimulator(control, runner, pump, config.host, port)


def _base_url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


class SimulatorThread:
    """Runs a simulator on its own event loop in a background thread (for sync tests, demo mode).

    Use as a context manager; ``call``/``run`` execute code on the simulator's loop.

    Args:
        config: Settings (default: ``SimConfig()``).
        start_timeout: Seconds to wait for the server to listen.
    """

    def __init__(self, config: SimConfig | None = None, start_timeout: float = 30.0) -> None:
        self.config = config or SimConfig()
        self._start_timeout = start_timeout
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._running: RunningSimulator | None = None
        self._error: BaseException | None = None

    def __enter__(self) -> SimulatorThread:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def simulator(self) -> RunningSimulator:
        """The running simulator (after ``start``)."""
        if self._running is None:
            raise RuntimeError("simulator thread is not running")
        return self._running

    @property
    def url(self) -> str:
        """Base URL of the running simulator."""
        return self.simulator.url

    @property
    def port(self) -> int:
        """Bound port."""
        return self.simulator.port

    @property
    def control(self) -> SimControl:
        """Runtime state (read freely; mutate through ``call``)."""
        return self.simulator.control

    def start(self) -> None:
        """Start the thread and wait until the server listens.

        Raises:
            RuntimeError: It did not come up in time.
        """
        self._thread = threading.Thread(target=asyncio.run, args=(self._main(),), name="simulator", daemon=True)
        self._thread.start()
        if not self._ready.wait(self._start_timeout):
            raise RuntimeError("simulator did not start in time")
        if self._error is not None:
            raise RuntimeError("simulator failed to start") from self._error

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        try:
            self._running = await start(self.config)
        except Exception as exc:  # noqa: BLE001 - handed to the starting thread
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        try:
            await self._stop.wait()
        finally:
            await self._running.aclose()

    def stop(self) -> None:
        """Stop the server and join the thread (idempotent)."""
        if self._loop is not None and self._stop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
            self._thread.join(30)
        self._thread = None

    def submit(self, coro: Coroutine[Any, Any, _T]) -> concurrent.futures.Future[_T]:
        """Schedule a coroutine on the simulator's loop without waiting for it.

        Args:
            coro: The coroutine.

        Returns:
            A thread-safe future of its result (``asyncio.wrap_future`` makes it awaitable).
        """
        if self._loop is None:
            coro.close()
            raise RuntimeError("simulator thread is not running")
        return asyncio.run_coroutine_threadsafe(coro, self._loop)

    def run(self, coro: Coroutine[Any, Any, _T], timeout: float = 30.0) -> _T:
        """Run a coroutine on the simulator's loop and return its result.

        Args:
            coro: The coroutine.
            timeout: Seconds to wait.

        Returns:
            Its result.
        """
        return self.submit(coro).result(timeout)

    def call(self, fn: Callable[..., _T], *args: Any, timeout: float = 30.0) -> _T:
        """Call a function on the simulator's loop thread (safe mutation of state).

        Args:
            fn: The function.
            *args: Its arguments.
            timeout: Seconds to wait.

        Returns:
            Its result.
        """

        async def invoke() -> _T:
            return fn(*args)

        return self.run(invoke(), timeout)
