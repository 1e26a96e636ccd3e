"""Which address a request came from, for throttling: the peer, unless the peer is a proxy
the operator named with `--trusted-proxy`.

Only then is `X-Forwarded-For` read, from the right: the last address that is not itself a
trusted proxy is the client. A client that sends its own `X-Forwarded-For` (rotating it to
dodge a per-address throttle) changes nothing, because that value is left of the one the
trusted proxy appended.
"""

from __future__ import annotations

import ipaddress
from typing import Iterable


def parse_proxies(values: Iterable[str]) -> tuple[ipaddress._BaseNetwork, ...]:
    """Addresses or networks (`10.0.0.5`, `10.0.0.0/24`); ValueError names a bad one."""
    out = []
    for v in values:
        for part in v.split(","):
            part = part.strip()
            if part:
                try:
                    out.append(ipaddress.ip_network(part, strict=False))
                except ValueError:
                    raise ValueError(f"--trusted-proxy {part!r} is not an IP address or network") from None
    return tuple(out)


def _trusted(host: str, proxies: tuple) -> bool:
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    return any(ip in net for net in proxies)


def client_address(peer: str | None, forwarded_for: str | None, proxies: tuple) -> str:
    """The address to count a request against."""
    peer = peer or "?"
    if not proxies or not forwarded_for or not _trusted(peer, proxies):
        return peer
    hops = [h.strip() for h in forwarded_for.split(",")[-20:] if h.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, proxies):
            return hop[:64]
    return peer
