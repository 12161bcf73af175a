"""The address a request really came from, behind the reverse proxies named in TRUSTED_PROXIES.

The connecting address (REMOTE_ADDR) is the client's unless it is a trusted proxy. Then X-Forwarded-For is
read from the right: each proxy appends the address it received from, so the right-most entry that is not
itself a trusted proxy is the client. Entries further left were written by the client and are ignored, so
a forged header changes nothing; an unreadable entry stops the walk at the proxy that wrote it.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

UNKNOWN = "0.0.0.0"  # noqa: S104 (a placeholder for "no address", never a bind address)


def _parse(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # 192.0.2.1:443
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def is_trusted_proxy(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return any(address in network for network in settings.TRUSTED_PROXIES)


def client_ip(request: HttpRequest) -> str:
    remote = _parse(request.META.get("REMOTE_ADDR") or "")
    if remote is None:
        return UNKNOWN
    if not is_trusted_proxy(remote):
        return str(remote)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    client = remote
    for entry in reversed(forwarded.split(",")):
        address = _parse(entry)
        if address is None:
            break
        client = address
        if not is_trusted_proxy(address):
            break
    return str(client)


def from_trusted_proxy(request: HttpRequest) -> bool:
    remote = _parse(request.META.get("REMOTE_ADDR") or "")
    return remote is not None and is_trusted_proxy(remote)
