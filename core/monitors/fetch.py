"""The SSRF-safe HTTP fetcher every monitor (and anything fetching a user's URL) goes through.

Three layers, so no single parser quirk lets a request reach an internal address:

1. `check_url` refuses non-http(s) schemes, credentials, loopback names, IP literals that are
   not public and legacy numeric IPv4 forms (`2130706433`, `0177.0.0.1`) before anything runs;
2. the connector's resolver (`SafeResolver`) refuses a name if any address it resolves to is
   not public — at connect time, so DNS rebinding between a check and the connect cannot slip
   past;
3. the connector's socket factory checks the very address a socket is about to connect to.

Redirects are followed by hand (at most 5), each hop re-checked. The body is streamed and
capped *after* decompression (we decompress ourselves, so a gzip bomb stops at the cap), and
the whole exchange has one total timeout.
"""

from __future__ import annotations

import asyncio
import email.utils
import ipaddress
import logging
import re
import socket
import time
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from core.config import Settings
from core.errors import InvalidInput

log = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 5
MAX_URL_LENGTH = 2048
CHUNK = 64 * 1024

_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_SIXTOFOUR = ipaddress.ip_network("2002::/16")
_NUMERIC_HOST = re.compile(r"^[0-9a-fx.]+$")


class FetchError(Exception):
    """A fetch that produced no usable response; `kind` says which way it failed.

    kinds: refused, dns, connect, timeout, too_large, too_many_redirects, bad_response, http.
    """

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


class FetchRefused(FetchError):
    """The destination is not allowed (not public, bad scheme, ...)."""

    def __init__(self, message: str) -> None:
        super().__init__("refused", message)


class _RefusedSocket(OSError):
    """Raised by the socket factory; aiohttp wraps it, `_find_refusal` digs it out."""


def address_refusal(ip: IPAddress) -> str | None:
    """Why connecting to `ip` is not allowed (None when it is a public unicast address)."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded: ipaddress.IPv4Address | None = ip.ipv4_mapped
        if embedded is None and any(ip in net for net in _NAT64):
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is None and ip in _SIXTOFOUR:
            embedded = ip.sixtofour
        if embedded is None and ip.teredo:
            embedded = ip.teredo[1]
        if embedded is not None:
            inner = address_refusal(embedded)
            if inner:
                return f"{ip} hides the IPv4 address {embedded}, and {inner}"
    if ip.is_unspecified:
        return f"{ip} is an unspecified address"
    if ip.is_loopback:
        return f"{ip} is a loopback address"
    if ip.is_link_local:
        return f"{ip} is a link-local address"
    if ip.is_multicast:
        return f"{ip} is a multicast address"
    if isinstance(ip, ipaddress.IPv4Address) and ip in _CGNAT:
        return f"{ip} is a carrier-grade NAT (shared) address"
    if ip.is_reserved:
        return f"{ip} is a reserved address"
    if ip.is_private:
        return f"{ip} is a private address"
    if not ip.is_global:
        return f"{ip} is not a public address"
    return None


def _legacy_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """`2130706433`, `0x7f.1`, `0177.0.0.1`: forms inet_aton accepts but people do not read."""
    if not _NUMERIC_HOST.match(host) or not any(c.isdigit() for c in host):
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


@dataclass(frozen=True)
class AddressPolicy:
    """Which destinations are allowed: public only, unless private networks are allowed.

    `allow` lists extra networks an operator trusts explicitly (e.g. an internal mirror);
    tests use it to let one loopback address stand in for a public server.
    """

    allow_private: bool = False
    allow: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()

    def refusal(self, address: str | IPAddress) -> str | None:
        if self.allow_private:
            return None
        try:
            ip = ipaddress.ip_address(address) if isinstance(address, str) else address
        except ValueError:
            return f"{address!r} is not an IP address"
        if isinstance(address, str) and "%" in address:
            return f"{address} is a scoped (link-local) address"
        if any(ip in net for net in self.allow):
            return None
        return address_refusal(ip)

    def host_refusal(self, host: str) -> str | None:
        """Refusal for a URL host before any resolution (names, literals, numeric forms)."""
        host = host.strip().rstrip(".").lower()
        if not host:
            return "the URL has no host"
        if self.allow_private:
            return None
        if host == "localhost" or host.endswith(".localhost"):
            return f"{host} is a loopback name"
        try:
            ip = ipaddress.ip_address(host.strip("[]"))
        except ValueError:
            ip = None
        if ip is not None:
            return self.refusal(ip)
        legacy = _legacy_ipv4(host)
        if legacy is not None:
            inner = self.refusal(legacy)
            return f"{host} is a non-standard form of the IPv4 address {legacy}" + (
                f", and {inner}" if inner else ""
            )
        return None


class SafeResolver(AbstractResolver):
    """Resolves through `inner`, and refuses the name if any address is not allowed."""

    def __init__(self, inner: AbstractResolver, policy: AddressPolicy) -> None:
        self._inner = inner
        self._policy = policy

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        for result in results:
            reason = self._policy.refusal(result["host"])
            if reason:
                raise FetchRefused(f"refused: {host} resolves to {result['host']}; {reason}")
        return results

    async def close(self) -> None:
        await self._inner.close()


@dataclass
class FetchResult:
    """One final (non-redirect) response, body fully read within the caps."""

    status: int
    url: str
    headers: CIMultiDictProxy[str]
    body: bytes
    redirects: int = 0
    elapsed_s: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def retry_after(self, now: datetime | None = None) -> float | None:
        """Seconds the server asked us to wait (`Retry-After` as seconds or HTTP date)."""
        return parse_retry_after(self.headers.get("Retry-After"), now)

    def text(self) -> str:
        charset = "utf-8"
        ctype = self.headers.get("Content-Type", "")
        m = re.search(r"charset=([\w.-]+)", ctype, re.I)
        if m:
            charset = m.group(1)
        try:
            return self.body.decode(charset, errors="replace")
        except LookupError:
            return self.body.decode("utf-8", errors="replace")


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """`Retry-After: 120` or `Retry-After: Wed, 21 Oct 2026 07:28:00 GMT` → seconds (>= 0)."""
    if not value:
        return None
    value = value.strip()
    if value.isdecimal():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _find_refusal(exc: BaseException) -> str | None:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, (_RefusedSocket, FetchRefused)):
            return str(current)
        os_error = getattr(current, "os_error", None)
        if isinstance(os_error, (_RefusedSocket, FetchRefused)):
            return str(os_error)
        current = current.__cause__ or current.__context__
    return None


class SafeFetcher:
    """HTTP GET for untrusted URLs; one pooled session, created on first use."""

    def __init__(
        self,
        settings: Settings,
        *,
        resolver: AbstractResolver | None = None,
        allow_private: bool | None = None,
        allow: Iterable[str] = (),
        max_bytes: int | None = None,
        timeout_s: float | None = None,
        user_agent: str | None = None,
    ) -> None:
        self.policy = AddressPolicy(
            allow_private=(
                settings.fetch_allow_private_networks if allow_private is None else allow_private
            ),
            allow=tuple(ipaddress.ip_network(a, strict=False) for a in allow),
        )
        self.max_bytes = max_bytes or settings.fetch_max_bytes
        self.timeout_s = timeout_s or settings.fetch_timeout_s
        self.user_agent = user_agent or f"TGE-Monitor/0.1 (+{settings.public_base_url})"
        self._inner_resolver = resolver
        self._session: aiohttp.ClientSession | None = None
        self._lock = asyncio.Lock()

    # --- checks ---------------------------------------------------------------------------

    def check_url(self, url: str) -> str:
        """Normalise `url` or raise InvalidInput(field="url") with a reason users can read."""
        if not isinstance(url, str) or not url.strip():
            raise InvalidInput("a URL is required", field="url")
        url = url.strip()
        if len(url) > MAX_URL_LENGTH:
            raise InvalidInput(f"refused: URL longer than {MAX_URL_LENGTH} characters", field="url")
        try:
            parsed = URL(url)
        except (ValueError, TypeError, IndexError):  # yarl: IndexError on "ftp://[]@"
            raise InvalidInput("refused: not a valid URL", field="url") from None
        scheme = (parsed.scheme or "").lower()
        if scheme not in ("http", "https"):
            shown = f"{scheme}:" if scheme else "a relative URL"
            raise InvalidInput(
                f"refused: only http and https URLs can be fetched, not {shown}",
                field="url",
                reason="scheme",
            )
        try:
            host = parsed.raw_host or ""
        except (ValueError, UnicodeError):
            host = ""
        if not host:
            raise InvalidInput("refused: the URL has no host", field="url", reason="host")
        if parsed.user or parsed.password:
            raise InvalidInput(
                "refused: URLs with a user name or password are not accepted",
                field="url",
                reason="credentials",
            )
        reason = self.policy.host_refusal(host)
        if reason:
            raise InvalidInput(f"refused: {reason}", field="url", reason="address")
        return str(parsed)

    async def validate(self, url: str) -> str:
        """`check_url` plus DNS: every address the host resolves to must be allowed."""
        checked = self.check_url(url)
        host = URL(checked).raw_host or ""
        if self.policy.allow_private:
            return checked
        try:
            ipaddress.ip_address(host.strip("[]"))
            return checked  # literal, already checked
        except ValueError:
            pass
        resolver = SafeResolver(await self._resolver(), self.policy)
        try:
            await resolver.resolve(host, URL(checked).port or 80, socket.AF_UNSPEC)
        except FetchRefused as exc:
            raise InvalidInput(exc.message, field="url", reason="address") from None
        except OSError as exc:
            raise InvalidInput(
                f"refused: {host} does not resolve ({exc.strerror or exc})",
                field="url",
                reason="dns",
            ) from None
        return checked

    # --- session --------------------------------------------------------------------------

    async def _resolver(self) -> AbstractResolver:
        if self._inner_resolver is None:
            self._inner_resolver = aiohttp.ThreadedResolver()
        return self._inner_resolver

    def _socket_factory(self, addr_info: tuple[Any, ...]) -> socket.socket:
        family, type_, proto, _canon, sockaddr = addr_info
        reason = self.policy.refusal(sockaddr[0])
        if reason:
            raise _RefusedSocket(f"refused: connecting to {sockaddr[0]}; {reason}")
        sock = socket.socket(family=family, type=type_, proto=proto)
        sock.setblocking(False)
        return sock

    async def session(self) -> aiohttp.ClientSession:
        async with self._lock:
            if self._session is None or self._session.closed:
                connector = aiohttp.TCPConnector(
                    resolver=SafeResolver(await self._resolver(), self.policy),
                    socket_factory=self._socket_factory,
                    limit=64,
                    ttl_dns_cache=10,
                )
                self._session = aiohttp.ClientSession(
                    connector=connector,
                    auto_decompress=False,
                    trust_env=False,
                    headers={"User-Agent": self.user_agent},
                )
            return self._session

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    # --- fetching -------------------------------------------------------------------------

    async def fetch(
        self,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        max_bytes: int | None = None,
        timeout_s: float | None = None,
    ) -> FetchResult:
        """GET `url` safely. Non-2xx statuses are returned; failures raise FetchError."""
        return await self.request(
            "GET", url, headers=headers, max_bytes=max_bytes, timeout_s=timeout_s
        )

    async def post(
        self,
        url: str,
        body: bytes,
        *,
        headers: Mapping[str, str] | None = None,
        max_bytes: int | None = None,
        timeout_s: float | None = None,
    ) -> FetchResult:
        """POST `body` to `url` with the same address checks as `fetch`.

        Redirects are not followed (a 3xx is returned as it is: re-sending a body to wherever
        a server points is how a webhook would be turned against an internal service), and
        the response body is capped like any other.
        """
        return await self.request(
            "POST",
            url,
            data=body,
            headers=headers,
            max_bytes=max_bytes,
            timeout_s=timeout_s,
            follow_redirects=False,
        )

    async def request(
        self,
        method: str,
        url: str,
        *,
        data: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        max_bytes: int | None = None,
        timeout_s: float | None = None,
        follow_redirects: bool = True,
    ) -> FetchResult:
        """One request through the checks; redirects followed by hand when asked (GET)."""
        try:
            current = URL(self.check_url(url))
        except InvalidInput as exc:
            raise FetchRefused(exc.message) from None
        cap = max_bytes or self.max_bytes
        timeout = timeout_s or self.timeout_s
        session = await self.session()
        send_headers = {"Accept-Encoding": "gzip, deflate", **(headers or {})}
        origin = current.origin()
        started = time.monotonic()
        redirects = 0
        try:
            async with asyncio.timeout(timeout):
                while True:
                    async with session.request(
                        method, current, data=data, headers=send_headers, allow_redirects=False
                    ) as resp:
                        location = resp.headers.get("Location")
                        if follow_redirects and resp.status in REDIRECT_STATUSES and location:
                            if redirects >= MAX_REDIRECTS:
                                raise FetchError(
                                    "too_many_redirects", f"more than {MAX_REDIRECTS} redirects"
                                )
                            try:
                                nxt = current.join(URL(location))
                                nxt = URL(self.check_url(str(nxt)))
                            except (InvalidInput, ValueError) as exc:
                                msg = exc.message if isinstance(exc, InvalidInput) else str(exc)
                                raise FetchRefused(f"redirect to {location[:200]}: {msg}") from None
                            if nxt.origin() != origin:
                                # credentials never follow a redirect to another origin
                                send_headers = {
                                    k: v
                                    for k, v in send_headers.items()
                                    if k.lower() not in ("authorization", "cookie")
                                }
                            current = nxt
                            redirects += 1
                            continue
                        body = await _read_capped(resp, cap)
                        return FetchResult(
                            status=resp.status,
                            url=str(current),
                            headers=CIMultiDictProxy(CIMultiDict(resp.headers)),
                            body=body,
                            redirects=redirects,
                            elapsed_s=time.monotonic() - started,
                        )
        except FetchError:
            raise
        except TimeoutError:
            raise FetchError("timeout", f"no complete response within {timeout:g}s") from None
        except aiohttp.ClientConnectorDNSError as exc:
            refusal = _find_refusal(exc)
            if refusal:
                raise FetchRefused(refusal) from None
            raise FetchError("dns", f"{current.host} does not resolve") from None
        except aiohttp.ClientConnectorError as exc:
            refusal = _find_refusal(exc)
            if refusal:
                raise FetchRefused(refusal) from None
            reason = f"cannot connect to {current.host}: {exc.strerror}"
            raise FetchError("connect", reason) from None
        except (aiohttp.ClientPayloadError, aiohttp.ClientResponseError) as exc:
            raise FetchError("bad_response", f"malformed response: {exc}") from None
        except aiohttp.ClientError as exc:
            refusal = _find_refusal(exc)
            if refusal:
                raise FetchRefused(refusal) from None
            raise FetchError("http", f"request failed: {exc.__class__.__name__}") from None
        except OSError as exc:
            refusal = _find_refusal(exc)
            if refusal:
                raise FetchRefused(refusal) from None
            raise FetchError("connect", f"cannot connect to {current.host}: {exc}") from None


async def _read_capped(resp: aiohttp.ClientResponse, cap: int) -> bytes:
    """Stream the body, decompressing ourselves so the cap applies to decompressed bytes."""
    declared = resp.headers.get("Content-Length")
    encoding = resp.headers.get("Content-Encoding", "identity").strip().lower()
    if declared and declared.isdecimal() and int(declared) > cap and encoding == "identity":
        raise FetchError("too_large", f"response body is {declared} bytes, over the {cap} byte cap")
    decomp: Any = None
    if encoding in ("gzip", "x-gzip"):
        decomp = zlib.decompressobj(16 + zlib.MAX_WBITS)
    elif encoding not in ("identity", "", "deflate"):
        raise FetchError("bad_response", f"unsupported Content-Encoding {encoding!r}")
    out = bytearray()
    raw_total = 0
    first = True
    async for chunk in resp.content.iter_chunked(CHUNK):
        raw_total += len(chunk)
        if encoding == "deflate" and first:
            # RFC says zlib-wrapped; some servers send raw deflate
            decomp = zlib.decompressobj(zlib.MAX_WBITS if chunk[:1] == b"\x78" else -zlib.MAX_WBITS)
        first = False
        if decomp is None:
            out += chunk
        else:
            try:
                out += decomp.decompress(chunk, cap - len(out) + 1)
            except zlib.error as exc:
                raise FetchError("bad_response", f"corrupt {encoding} body: {exc}") from None
            if decomp.unconsumed_tail:
                raise FetchError("too_large", f"decompressed body exceeds the {cap} byte cap")
        if len(out) > cap:
            raise FetchError("too_large", f"response body exceeds the {cap} byte cap")
        if raw_total > cap:
            raise FetchError("too_large", f"response body exceeds the {cap} byte cap")
    if decomp is not None:
        try:
            out += decomp.flush()
        except zlib.error as exc:
            raise FetchError("bad_response", f"corrupt {encoding} body: {exc}") from None
        if len(out) > cap:
            raise FetchError("too_large", f"decompressed body exceeds the {cap} byte cap")
    return bytes(out)
