"""The HTTP client webhooks are sent with: it resolves each receiver's host itself, refuses
the whole request if any address is not allowed (hub.events.policy), and connects to the
address it checked. The URL is untouched, so the Host header, TLS SNI and the certificate
check still use the receiver's name; a DNS answer that changes after the check (rebinding)
is never used. No environment proxies: they would be a way around the check.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl
import typing

import httpcore
import httpx
from httpcore import AsyncNetworkBackend, AsyncNetworkStream
from httpcore._backends.auto import AutoBackend

from hub import __version__
from hub.events.policy import Address, DestinationNotAllowedError, Destinations
from hub.events.settings import WebhookSettings

SocketOption = typing.Any  # httpcore's SOCKET_OPTION union; passed through untouched


async def resolve(host: str, port: int) -> list[Address]:
    """Every address `host` resolves to (the system resolver, in a thread), in order."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    found: list[Address] = []
    for *_, sockaddr in infos:
        ip = ipaddress.ip_address(str(sockaddr[0]))
        if ip not in found:
            found.append(ip)
    return found


class GuardedBackend(AsyncNetworkBackend):
    """httpcore network backend that connects only to addresses `destinations` allows."""

    def __init__(self, destinations: Destinations,
                 inner: AsyncNetworkBackend | None = None) -> None:
        self.destinations = destinations
        self.inner = inner or AutoBackend()

    async def connect_tcp(self, host: str, port: int,
                          timeout: float | None = None,  # noqa: ASYNC109 - httpcore's API
                          local_address: str | None = None,
                          socket_options: typing.Iterable[SocketOption] | None = None,
                          ) -> AsyncNetworkStream:
        """Resolve, refuse if any address is not allowed, connect to the first that answers."""
        addresses = await resolve(host, port)
        if not addresses or any(self.destinations.refused(ip) for ip in addresses):
            raise DestinationNotAllowedError
        error: Exception | None = None
        for ip in addresses:
            try:
                return await self.inner.connect_tcp(str(ip), port, timeout=timeout,
                                                    local_address=local_address,
                                                    socket_options=socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
        assert error is not None
        raise error

    async def connect_unix_socket(self, path: str,
                                  timeout: float | None = None,  # noqa: ASYNC109 - as above
                                  socket_options: typing.Iterable[SocketOption] | None = None,
                                  ) -> AsyncNetworkStream:
        """Never: receivers are reached over TCP only."""
        raise DestinationNotAllowedError

    async def sleep(self, seconds: float) -> None:
        """As the inner backend sleeps (httpcore's retry delay)."""
        await self.inner.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport with its connection pool on a GuardedBackend."""

    def __init__(self, destinations: Destinations,
                 verify: ssl.SSLContext | bool = True) -> None:
        super().__init__(verify=verify, trust_env=False)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(verify=verify, trust_env=False),
            network_backend=GuardedBackend(destinations))


def webhook_client(settings: WebhookSettings,
                   verify: ssl.SSLContext | bool = True) -> httpx.AsyncClient:
    """The client the worker POSTs with: guarded, no redirects, no environment proxies."""
    return httpx.AsyncClient(
        transport=GuardedTransport(settings.destinations, verify), trust_env=False,
        timeout=settings.timeout_s, follow_redirects=False,
        headers={"User-Agent": f"dotmac-hub-webhooks/{__version__}"})
