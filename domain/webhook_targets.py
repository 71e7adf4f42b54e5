"""Which webhook URLs the engine may post to: https to a public host, or a loopback
address (for tests and a bridge on the same machine).

A webhook is a request the server makes on a person's behalf, so a URL in a municipality
file could otherwise reach the board's internal network (server-side request forgery).
Pure rules here: ``refusal_of`` judges the URL as written (an address literal or a name);
delivery also resolves the name and judges every address it resolves to
(``refusal_of_address``), because a public-looking name may point inside.

Reasons never repeat the URL: it is often a secret (a LINE or Slack bridge's token).
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

#: Names that only mean something inside a network (RFC 6762, RFC 8375, common practice).
_INTERNAL_SUFFIXES = (".local", ".localdomain", ".internal", ".intranet", ".lan", ".home.arpa")
_LOOPBACK_NAMES = ("localhost",)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def refusal_of_address(address: IPAddress) -> str | None:
    """Why the engine must not post to ``address``; ``None`` when it may (a public
    address, or loopback)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return refusal_of_address(address.ipv4_mapped)
    if address.is_loopback:
        return None
    if address.is_link_local:
        return "a link-local address"
    if address.is_private or address.is_reserved or address.is_unspecified:
        return "a private-range address"
    if address.is_multicast:
        return "a multicast address"
    if isinstance(address, ipaddress.IPv4Address) and address in _SHARED:
        return "a private-range address"
    if not address.is_global:
        return "an internal address"
    return None


_SHARED = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT, never public


def is_loopback_host(host: str) -> bool:
    """Whether ``host`` (a name or address literal) is this machine."""
    name = host.lower().rstrip(".")
    if name in _LOOPBACK_NAMES or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def refusal_of(url: str) -> str | None:
    """Why ``url`` is not an acceptable webhook target, in a few words without the URL;
    ``None`` when it is: https to a public host, or http(s) to loopback."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return "not a valid URL"
    if parts.scheme not in ("http", "https") or not host:
        return "not an http(s) URL with a host"
    if parts.username is not None or parts.password is not None:
        return "credentials in the URL are not allowed"
    if is_loopback_host(host):
        return None
    if parts.scheme != "https":
        return "must use https (http only for loopback)"
    try:
        literal: IPAddress | None = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        return refusal_of_address(literal)
    name = host.lower().rstrip(".")
    if "." not in name:
        return "an internal host name"
    if name.endswith(_INTERNAL_SUFFIXES):
        return "an internal host name"
    return None
