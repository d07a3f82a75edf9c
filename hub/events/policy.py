"""Which endpoint URLs the hub accepts (it POSTs to them: mind SSRF, see docs/webhooks.md)."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from hub.errors import InvalidRequestError

_LOOPBACK_NAMES = {"localhost", "localhost.localdomain"}


def _literal_ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _is_loopback(host: str) -> bool:
    ip = _literal_ip(host)
    return host.lower() in _LOOPBACK_NAMES or (ip is not None and ip.is_loopback)


def check_url(url: str, allow_http: bool) -> str:
    """The URL when acceptable; otherwise a 422 naming the rule and the fix.

    Refused: schemes other than http(s); user:password@ (it would be stored and shown);
    link-local, multicast and unspecified literal addresses (cloud metadata services live at
    169.254.169.254); plain http unless `allow_http` or the host is loopback.
    """
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
    ip = _literal_ip(host)
    if ip is not None and (ip.is_link_local or ip.is_multicast or ip.is_unspecified):
        raise InvalidRequestError(f"url: {host} is a link-local, multicast or unspecified "
                                  "address; point it at the receiver's routable address")
    if parts.scheme == "http" and not (allow_http or _is_loopback(host)):
        raise InvalidRequestError("url: plain http is refused in production (signatures do "
                                  "not hide the payload); use https://, or set "
                                  "DOTMAC_HUB_WEBHOOK_ALLOW_HTTP=true")
    return url
