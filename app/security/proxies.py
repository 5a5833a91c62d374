"""Who the client is: the peer itself, or whom a trusted reverse proxy says it forwarded for."""

import ipaddress
from collections.abc import Sequence
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network

from starlette.datastructures import Headers

Address = IPv4Address | IPv6Address
Network = IPv4Network | IPv6Network
UNKNOWN = "onbekend"


def client_address_behind(peer: str | None, headers: Headers, trusted: Sequence[Network]) -> str:
    """The client's address: the peer, unless the peer is a trusted proxy; then the right-most
    address in the forwarding chain that is not a trusted proxy. Each proxy appends the address
    it saw, so whatever stands left of that could have been written by the client."""
    address = _parse_address(peer)
    if address is None:
        return peer or UNKNOWN
    for hop in reversed(_forwarding_chain(headers)):
        if not _is_trusted(address, trusted):
            break
        hop_address = _parse_address(hop)
        if hop_address is None:
            # A trusted proxy passed on something that is no address: believe nothing further.
            break
        address = hop_address
    return str(address)


def is_trusted_proxy(peer: str | None, trusted: Sequence[Network]) -> bool:
    """Whether the peer is one of the trusted reverse proxies."""
    address = _parse_address(peer)
    return address is not None and _is_trusted(address, trusted)


def _is_trusted(address: Address, trusted: Sequence[Network]) -> bool:
    return any(address in network for network in trusted)


def _forwarding_chain(headers: Headers) -> list[str]:
    # X-Forwarded-For is what nginx, Caddy, Traefik and HAProxy set; Forwarded (RFC 7239) counts
    # only without it, so a Forwarded header a client made up cannot outrank the proxy's own.
    forwarded_for = headers.getlist("x-forwarded-for")
    if forwarded_for:
        return [hop for value in forwarded_for for hop in value.split(",")]
    chain = []
    for element in ",".join(headers.getlist("forwarded")).split(","):
        pairs = (pair.partition("=") for pair in element.split(";"))
        chain += [value for key, _, value in pairs if key.strip().lower() == "for"]
    return chain


def _parse_address(value: str | None) -> Address | None:
    """An address as a proxy writes it (`198.51.100.7`, `198.51.100.7:4711`, `"[2001:db8::1]:80"`,
    `2001:db8::1`), or None for anything else (`unknown`, obfuscated names, zone ids)."""
    text = (value or "").strip().strip('"')
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    if "%" in text:
        return None
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address
