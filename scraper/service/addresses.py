"""Which addresses the service may fetch pages from. Fetch-by-URL must not become a way into the
machine's own network: loopback, private, link-local (where clouds serve instance metadata and
credentials, 169.254.169.254), shared, reserved and multicast addresses are refused, unless an
allow-list entry (`--allow-fetch`) names the address, or its network, and maybe its port."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True, slots=True)
class Allowed:
    """An allow-list entry: a network (one address is a network of one), and one port or any."""

    network: IPNetwork
    port: int | None = None

    def admits(self, address: IPAddress, port: int) -> bool:
        return address in self.network and self.port in (None, port)


def parse_allowed(text: str) -> Allowed:
    """`127.0.0.1`, `10.0.0.0/8`, `127.0.0.1:8080`, `::1`, `[::1]:8080`, `[fd00::/8]`. Raises
    `ValueError` naming the entry."""
    network, port = text, None
    if text.startswith("["):  # IPv6, maybe with a port
        network, _, rest = text[1:].partition("]")
        port = rest.removeprefix(":") if rest.startswith(":") else None
        if rest and port is None:
            raise ValueError(f"{text!r}: expected [ADDRESS]:PORT")
    elif text.count(":") == 1:  # IPv4 with a port
        network, port = text.split(":")
    try:
        number = int(port) if port is not None else None
        if number is not None and not 0 < number < 65536:
            raise ValueError(f"port {number} out of range")
        return Allowed(ipaddress.ip_network(network, strict=False), number)
    except ValueError as error:
        raise ValueError(f"{text!r} is no address, network or address:port ({error})") from None


def refusal(address: IPAddress, port: int, allowed: tuple[Allowed, ...] = ()) -> str | None:
    """Why the service must not connect to `address:port`, or None when it may."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:  # ::ffff:127.0.0.1
        address = address.ipv4_mapped
    if any(rule.admits(address, port) for rule in allowed):
        return None
    for test, kind in (
        (address.is_loopback, "loopback"),
        (address.is_link_local, "link-local (cloud metadata)"),
        (address.is_private, "private"),
        (address.is_multicast, "multicast"),
    ):
        if test:
            return f"{address} is a {kind} address"
    if not address.is_global:  # unspecified, reserved, shared (100.64/10), documentation
        return f"{address} is not a public address"
    return None
