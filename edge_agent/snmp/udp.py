"""One shared UDP socket per event loop for every SNMPv1/v2c request of the process.

Replies are matched to requests by request-id and source address, so hundreds of
devices share one socket and one file descriptor. Only I/O lives here.
"""

from __future__ import annotations

import asyncio
import ipaddress
import itertools
import random
import socket
import weakref
from collections.abc import Callable

from edge_agent.snmp.ber import BerError, Response, decode_response
from edge_agent.snmp.errors import PollErrorCode, SnmpError

Address = tuple[str, int]


class _Dispatch(asyncio.DatagramProtocol):
    """Routes datagrams to the futures of pending requests."""

    def __init__(self) -> None:
        self.pending: dict[int, tuple[Address, asyncio.Future[Response]]] = {}

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        source = (str(addr[0]), int(addr[1]))
        try:
            response = decode_response(data)
        except (BerError, IndexError) as exc:
            # Without a readable request-id, blame every request waiting on that address.
            self._fail_source(source, exc)
            return
        entry = self.pending.get(response.request_id)
        if entry is not None and entry[0] == source and not entry[1].done():
            entry[1].set_result(response)

    def _fail_source(self, source: Address, exc: Exception) -> None:
        for address, future in self.pending.values():
            if address == source and not future.done():
                detail = f"undecodable reply from {source[0]}:{source[1]}: {exc}"
                future.set_exception(SnmpError(PollErrorCode.BAD_RESPONSE, detail))


class UdpClient:
    """Sends a request and waits for its reply with per-request timeout and retries."""

    def __init__(self) -> None:
        self._endpoints: dict[int, tuple[asyncio.DatagramTransport, _Dispatch]] = {}
        self._ids = itertools.count(random.randrange(1, 2**30))

    async def _endpoint(self, family: int) -> tuple[asyncio.DatagramTransport, _Dispatch]:
        if family not in self._endpoints:
            loop = asyncio.get_running_loop()
            local = ("::", 0) if family == socket.AF_INET6 else ("0.0.0.0", 0)  # noqa: S104
            transport, protocol = await loop.create_datagram_endpoint(
                _Dispatch, local_addr=local, family=family
            )
            self._endpoints[family] = (transport, protocol)
        return self._endpoints[family]

    def next_request_id(self) -> int:
        """A request-id unique among this client's pending requests (31-bit, positive)."""
        return next(self._ids) % (2**31 - 1) + 1

    async def request(
        self,
        host: str,
        port: int,
        build: Callable[[int], bytes],
        timeout: float,  # noqa: ASYNC109 - per-try timeout with resends, not one deadline
        retries: int,
    ) -> Response:
        """Send `build(request_id)` to host:port, resending up to `retries` times."""
        address = await _resolve(host, port)
        family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        transport, dispatch = await self._endpoint(family)
        request_id = self.next_request_id()
        payload = build(request_id)
        future: asyncio.Future[Response] = asyncio.get_running_loop().create_future()
        dispatch.pending[request_id] = (address, future)
        try:
            for _ in range(retries + 1):
                _send(transport, payload, address)
                try:
                    return await asyncio.wait_for(asyncio.shield(future), timeout)
                except TimeoutError:
                    continue
        finally:
            dispatch.pending.pop(request_id, None)
            if not future.done():
                future.cancel()
        tries = retries + 1
        raise SnmpError(
            PollErrorCode.TIMEOUT, f"no reply from {host}:{port} within {timeout:g}s x {tries}"
        )


def _send(transport: asyncio.DatagramTransport, payload: bytes, address: Address) -> None:
    try:
        transport.sendto(payload, address)
    except OSError as exc:
        raise SnmpError(
            PollErrorCode.UNREACHABLE, f"cannot send to {address[0]}:{address[1]}: {exc}"
        ) from exc


async def _resolve(host: str, port: int) -> Address:
    try:
        return (str(ipaddress.ip_address(host)), port)
    except ValueError:
        pass
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_DGRAM)
    except OSError as exc:
        raise SnmpError(
            PollErrorCode.UNREACHABLE, f"cannot resolve {host}: {exc}; check the name or DNS"
        ) from exc
    return (str(infos[0][4][0]), port)


_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, UdpClient] = (
    weakref.WeakKeyDictionary()
)


def shared_client() -> UdpClient:
    """The UDP client of the running event loop (created on first use)."""
    loop = asyncio.get_running_loop()
    client = _clients.get(loop)
    if client is None:
        client = _clients[loop] = UdpClient()
    return client
