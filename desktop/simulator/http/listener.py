"""The listening socket of a running simulator, closable and reopenable for the "server restart" fault.

Imports: stdlib and aiohttp. Created by ``server.start`` and kept at ``SimControl.faults.listener``.

A restart stops accepting (new connections are refused: nothing listens on the port),
cuts every open HTTP connection, then binds the same address again. The application,
its state and the runner stay as they are, so nothing is lost.
"""

from __future__ import annotations

import socket

from aiohttp import web


def bind(host: str, port: int) -> socket.socket:
    """Bind a non-blocking listening TCP socket.

    Args:
        host: Interface.
        port: Port (0 = any free one).

    Returns:
        The listening socket.
    """
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock


class Listener:
    """The site serving the application on one address.

    Args:
        runner: The application's runner (set up).
        site: The started site.
        host: Bound host.
        port: Bound port (the real one).
    """

    def __init__(self, runner: web.AppRunner, site: web.BaseSite, host: str, port: int) -> None:
        self._runner = runner
        self._site: web.BaseSite | None = site
        self._host = host
        self._port = port

    @property
    def listening(self) -> bool:
        """Whether the port accepts connections."""
        return self._site is not None

    async def stop_listening(self) -> None:
        """Close the listening socket (connections are refused from now on)."""
        site, self._site = self._site, None
        if site is not None:
            await site.stop()

    def drop_connections(self) -> int:
        """Cut every open HTTP connection (keep-alive and in-flight requests alike).

        Returns:
            How many connections were cut.
        """
        server = self._runner.server
        if server is None:
            return 0
        connections = list(server.connections)
        for handler in connections:
            handler.force_close()
            transport = handler.transport
            if transport is not None:
                transport.abort()
        return len(connections)

    async def listen_again(self) -> None:
        """Bind the same address again and serve the application on it."""
        if self._site is not None:
            return
        sock = bind(self._host, self._port)
        site = web.SockSite(self._runner, sock)
        try:
            await site.start()
        except BaseException:
            sock.close()
            raise
        self._site = site
