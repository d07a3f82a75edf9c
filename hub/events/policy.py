"""Where the hub may send webhooks (it POSTs to URLs its tenants choose: mind SSRF).

Two checks. `check_url` when an endpoint is saved: scheme, no credentials, no literal
address or numeric host form the delivery would refuse. `Destinations.refused` on every
address a host name resolves to, at send time (hub.events.transport connects only to the
address it checked, so a name that changes its answer after the check gains nothing).
Refused: loopback, link-local, private, shared (CGNAT), reserved, unspecified and multicast
addresses, also inside IPv4-mapped, IPv4-compatible, 6to4 and NAT64 IPv6 forms, unless the
operator lists the network in DOTMAC_HUB_WEBHOOK_ALLOW_PRIVATE_NETS.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from hub.errors import InvalidRequestError

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
REFUSED_TEXT = "refused: destination not allowed"
_LOOPBACK_NAMES = {"localhost", "localhost.localdomain"}
_SIX_TO_FOUR = ipaddress.IPv6Network("2002::/16")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_COMPAT = ipaddress.IPv6Network("::/96")  # deprecated IPv4-compatible ::a.b.c.d


class DestinationNotAllowedError(Exception):
    """The receiver's address is not allowed; the tenant sees only REFUSED_TEXT."""

    def __init__(self) -> None:
        super().__init__(REFUSED_TEXT)


def parse_networks(text: str) -> tuple[Network, ...]:
    """Comma-separated CIDRs (`10.0.0.0/8, fd00::/8`); a clear error names a bad one."""
    nets = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        try:
            nets.append(ipaddress.ip_network(item, strict=False))
        except ValueError as exc:
            raise ValueError(f"DOTMAC_HUB_WEBHOOK_ALLOW_PRIVATE_NETS: {item!r} is not a "
                             "network; write CIDRs separated by commas, e.g. "
                             "10.20.0.0/16,fd00:1::/48") from exc
    return tuple(nets)


def embedded_ipv4(ip: Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries and reaches (mapped, compat, 6to4, NAT64)."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64 or (ip in _COMPAT and int(ip) > 1):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _public(ip: Address) -> bool:
    return ip.is_global and not (ip.is_multicast or ip.is_reserved)


@dataclass(frozen=True)
class Destinations:
    """The address policy of one deployment: public addresses plus the operator's list."""

    allowed_private: tuple[Network, ...] = ()

    def _allowed(self, ip: Address) -> bool:
        return _public(ip) or any(ip.version == net.version and ip in net
                                  for net in self.allowed_private)

    def refused(self, ip: Address) -> bool:
        """True when the worker must not connect to `ip`."""
        if ip.is_unspecified or ip.is_multicast:
            return True
        inner = embedded_ipv4(ip)
        if inner is None:
            return not self._allowed(ip)
        if inner.is_unspecified or inner.is_multicast:
            return True
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            return not self._allowed(inner)  # the socket reaches the IPv4 address itself
        return not (self._allowed(inner) and self._allowed(ip))


def _literal_ip(host: str) -> Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _numeric_host(host: str) -> bool:
    """Hosts like `2852039166`, `0xa9fea9fe` or `0251.254.43518`: the C resolver reads them
    as IPv4 addresses, ipaddress does not; refused outright rather than second-guessed."""
    try:
        socket.inet_aton(host)
    except OSError:
        return False
    return True


def _parse(url: str) -> tuple[str, str]:
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        _ = parts.port  # raises on a malformed port
    except ValueError as exc:
        raise InvalidRequestError(f"url: not a valid URL ({exc})") from exc
    if parts.scheme not in ("http", "https") or not host:
        raise InvalidRequestError("url: must be an absolute http(s):// URL with a host")
    if parts.username is not None or parts.password is not None:
        raise InvalidRequestError("url: must not carry user:password@; receivers "
                                  "authenticate the hub by the Webhook-Signature header")
    return parts.scheme, host


def _check_host(host: str, destinations: Destinations) -> None:
    host = host.rstrip(".")  # `169.254.169.254.` resolves like the address itself
    ip = _literal_ip(host)
    if ip is None and _numeric_host(host):
        raise InvalidRequestError(f"url: {host!r} is a numeric host in a non-standard form; "
                                  "write the address as a.b.c.d or use a host name")
    if ip is None and host.lower() in _LOOPBACK_NAMES:
        ip = ipaddress.IPv4Address("127.0.0.1")
    if ip is not None and destinations.refused(ip):
        raise InvalidRequestError(f"url: {host} is a loopback, private, link-local, "
                                  "multicast or reserved address; point it at the "
                                  "receiver's public address (operators can allow private "
                                  "networks with DOTMAC_HUB_WEBHOOK_ALLOW_PRIVATE_NETS)")


def check_url(url: str, allow_http: bool, destinations: Destinations | None = None) -> str:
    """The URL when acceptable; otherwise a 422 naming the rule and the fix.

    Refused: schemes other than http(s); user:password@ (it would be stored and shown);
    literal addresses `destinations` refuses and numeric hosts in non-standard forms;
    plain http unless `allow_http`. Host names are checked again, resolved, at every send.
    """
    scheme, host = _parse(url)
    _check_host(host, destinations or Destinations())
    if scheme == "http" and not allow_http:
        raise InvalidRequestError("url: plain http is refused in production (signatures do "
                                  "not hide the payload); use https://, or set "
                                  "DOTMAC_HUB_WEBHOOK_ALLOW_HTTP=true")
    return url
