"""An httpx transport that refuses loopback, private and other non-public addresses."""

from __future__ import annotations

import asyncio
import ipaddress
import socket

import httpx

from newsroom.errors import BlockedAddress


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


async def ensure_public_host(host: str, port: int) -> None:
    """Raise BlockedAddress if the host is, or resolves to, a non-public address."""
    try:
        addresses = [str(ipaddress.ip_address(host.strip("[]")))]
    except ValueError:
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                host, port, type=socket.SOCK_STREAM
            )
        except socket.gaierror as exc:
            raise httpx.ConnectError(f"cannot resolve {host}: {exc.strerror}") from exc
        addresses = [str(info[4][0]) for info in infos]
    blocked = [a for a in addresses if not is_public(a)]
    if blocked:
        raise BlockedAddress(
            f"{host} resolves to a private or loopback address ({blocked[0]}); "
            "set NEWSROOM_ALLOW_PRIVATE_NETWORKS=true to allow it"
        )


class PublicOnlyTransport(httpx.AsyncBaseTransport):
    """Checks every request, redirects included, before handing it to the real transport.

    The name is resolved here and again by the connection, so a DNS answer that
    changes in between (rebinding) is not caught; feeds are fetched, not trusted.
    """

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self._inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        port = request.url.port or (443 if request.url.scheme == "https" else 80)
        await ensure_public_host(request.url.host, port)
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()
