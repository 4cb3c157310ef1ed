"""The safe fetcher: refusal table, connect-time DNS checks, redirects, caps, timeouts."""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

import pytest

from core.config import Settings
from core.errors import InvalidInput
from core.monitors.fetch import FetchError, FetchRefused, SafeFetcher, parse_retry_after
from tests.conftest import make_settings
from tests.fakes.feeds import FeedServer, Spec, StaticResolver

# Every row must be refused when private networks are not allowed.
REFUSED = [
    ("http://127.0.0.1/", "loopback"),
    ("http://localhost/", "loopback"),
    ("http://[::1]/", "loopback"),
    ("http://0.0.0.0/", "unspecified"),
    ("http://10.0.0.1/", "private"),
    ("http://172.16.0.1/", "private"),
    ("http://192.168.1.1/", "private"),
    ("http://169.254.169.254/", "link-local"),
    ("http://100.64.0.1/", "carrier-grade NAT"),
    ("http://[::ffff:127.0.0.1]/", "hides the IPv4 address 127.0.0.1"),
    ("http://[64:ff9b::7f00:1]/", "hides the IPv4 address 127.0.0.1"),
    ("http://[2002:7f00:1::]/", "hides the IPv4 address 127.0.0.1"),
    ("http://2130706433/", "non-standard form of the IPv4 address 127.0.0.1"),
    ("http://0177.0.0.1/", "non-standard form"),
    ("http://0x7f.1/", "non-standard form"),
    ("http://224.0.0.1/", "multicast"),
    ("http://240.0.0.1/", "reserved"),
    ("http://[fe80::1]/", "link-local"),
    ("http://[fc00::1]/", "private"),
    ("file:///etc/passwd", "only http and https"),
    ("gopher://x/", "only http and https"),
    ("ftp://example.com/", "only http and https"),
    ("http://user:pw@example.com/", "user name or password"),
    ("http:///nohost", "no host"),
    ("", "URL is required"),
]


@pytest.fixture
def strict(tmp_path: Path) -> Settings:
    return make_settings(tmp_path, FETCH_ALLOW_PRIVATE_NETWORKS="false")


@pytest.mark.parametrize(("url", "why"), REFUSED)
async def test_refusal_table_check_url(strict: Settings, url: str, why: str) -> None:
    fetcher = SafeFetcher(strict, resolver=StaticResolver({}))
    with pytest.raises(InvalidInput) as info:
        fetcher.check_url(url)
    assert why in info.value.message
    assert info.value.field == "url"
    if url:
        assert info.value.message.startswith("refused: ")


@pytest.mark.parametrize(("url", "why"), REFUSED)
async def test_refusal_table_fetch(strict: Settings, url: str, why: str) -> None:
    fetcher = SafeFetcher(strict, resolver=StaticResolver({}))
    try:
        with pytest.raises(FetchRefused) as info:
            await fetcher.fetch(url)
        assert info.value.kind == "refused"
    finally:
        await fetcher.close()


async def test_public_name_resolving_to_loopback_is_refused_at_connect(strict: Settings) -> None:
    server = await FeedServer().start()
    server.set("/", "secret")
    resolver = StaticResolver({"news.example.com": "127.0.0.1"})
    fetcher = SafeFetcher(strict, resolver=resolver)
    try:
        assert fetcher.check_url(f"http://news.example.com:{server.port}/")  # passes pre-check
        with pytest.raises(FetchRefused, match=r"news.example.com resolves to 127.0.0.1.*loopback"):
            await fetcher.fetch(f"http://news.example.com:{server.port}/")
        assert "news.example.com" in resolver.lookups
        assert server.requests == []
        with pytest.raises(InvalidInput, match="loopback"):
            await fetcher.validate(f"http://news.example.com:{server.port}/")
        # one bad address among good ones is enough to refuse
        resolver.table["mixed.example.com"] = ["93.184.216.34", "10.1.2.3"]
        with pytest.raises(InvalidInput, match="private"):
            await fetcher.validate("http://mixed.example.com/")
    finally:
        await fetcher.close()
        await server.stop()


async def test_public_url_redirecting_to_loopback_is_refused(strict: Settings) -> None:
    # 127.0.0.2 stands in for a public server (explicitly allowed); 127.0.0.1 stays refused
    public = await FeedServer(host="127.0.0.2").start()
    inner = await FeedServer().start()
    inner.set("/admin", "internal secret")
    public.set("/go", status=302, headers={"Location": inner.url("/admin")})
    public.set("/go-name", status=301, headers={"Location": f"http://evil.example:{inner.port}/"})
    public.set("/go-file", status=302, headers={"Location": "file:///etc/passwd"})
    resolver = StaticResolver({"news.example.com": "127.0.0.2", "evil.example": "127.0.0.1"})
    fetcher = SafeFetcher(strict, resolver=resolver, allow=["127.0.0.2/32"])
    base = f"http://news.example.com:{public.port}"
    try:
        with pytest.raises(FetchRefused, match=r"127\.0\.0\.1 is a loopback address"):
            await fetcher.fetch(f"{base}/go")
        with pytest.raises(FetchRefused, match=r"evil\.example resolves to 127\.0\.0\.1"):
            await fetcher.fetch(f"{base}/go-name")
        with pytest.raises(FetchRefused, match="only http and https"):
            await fetcher.fetch(f"{base}/go-file")
        assert inner.requests == []
    finally:
        await fetcher.close()
        await public.stop()
        await inner.stop()


async def test_dns_rebinding_is_caught_at_connect(strict: Settings) -> None:
    """validate() saw a public address; by fetch time the name points at loopback."""
    server = await FeedServer().start()
    server.set("/", "x")
    resolver = StaticResolver({"rebind.example": "93.184.216.34"})
    fetcher = SafeFetcher(strict, resolver=resolver)
    try:
        await fetcher.validate(f"http://rebind.example:{server.port}/")
        resolver.table["rebind.example"] = "127.0.0.1"
        with pytest.raises(FetchRefused, match="loopback"):
            await fetcher.fetch(f"http://rebind.example:{server.port}/")
        assert server.requests == []
    finally:
        await fetcher.close()
        await server.stop()


async def test_unknown_name_is_a_dns_error(strict: Settings) -> None:
    fetcher = SafeFetcher(strict, resolver=StaticResolver({}))
    try:
        with pytest.raises(FetchError) as info:
            await fetcher.fetch("http://nowhere.example/")
        assert info.value.kind == "dns"
        with pytest.raises(InvalidInput, match="does not resolve"):
            await fetcher.validate("http://nowhere.example/")
    finally:
        await fetcher.close()


async def test_public_address_allowed(strict: Settings) -> None:
    fetcher = SafeFetcher(strict)
    assert fetcher.check_url("https://Example.COM/feed?x=1") == "https://example.com/feed?x=1"
    assert fetcher.check_url("http://93.184.216.34/") == "http://93.184.216.34/"


@pytest.fixture
async def server():
    srv = await FeedServer().start()
    yield srv
    await srv.stop()


async def test_redirects_followed_up_to_five(settings: Settings, server: FeedServer) -> None:
    for i in range(7):
        server.set(f"/r{i}", status=302, headers={"Location": f"/r{i + 1}"})
    server.set("/r7", "end")
    server.set("/ok", "fine")
    server.set("/short", status=301, headers={"Location": "/ok"})
    fetcher = SafeFetcher(settings)
    try:
        with pytest.raises(FetchError) as info:
            await fetcher.fetch(server.url("/r0"))
        assert info.value.kind == "too_many_redirects"
        res = await fetcher.fetch(server.url("/r2"))
        assert (res.status, res.body, res.redirects) == (200, b"end", 5)
        res = await fetcher.fetch(server.url("/short"))
        assert res.url.endswith("/ok") and res.body == b"fine"
    finally:
        await fetcher.close()


async def test_body_cap_plain_and_declared(settings: Settings, server: FeedServer) -> None:
    server.set("/big", b"x" * 200_000)
    server.set("/fits", b"x" * 50_000)
    fetcher = SafeFetcher(settings, max_bytes=100_000)
    try:
        with pytest.raises(FetchError) as info:
            await fetcher.fetch(server.url("/big"))
        assert info.value.kind == "too_large"
        assert len((await fetcher.fetch(server.url("/fits"))).body) == 50_000
    finally:
        await fetcher.close()


async def test_gzip_and_deflate_bombs_capped_after_decompression(
    settings: Settings, server: FeedServer
) -> None:
    bomb = gzip.compress(b"\0" * 50_000_000)  # ~50 KB on the wire, 50 MB inflated
    assert len(bomb) < 100_000
    server.set("/gz", bomb, headers={"Content-Encoding": "gzip"})
    server.set("/df", zlib.compress(b"\0" * 50_000_000), headers={"Content-Encoding": "deflate"})
    server.set("/small", gzip.compress(b"<rss/>"), headers={"Content-Encoding": "gzip"})
    server.set("/corrupt", b"not gzip at all", headers={"Content-Encoding": "gzip"})
    server.set("/br", b"xx", headers={"Content-Encoding": "br"})
    fetcher = SafeFetcher(settings, max_bytes=1_000_000)
    try:
        for path in ("/gz", "/df"):
            with pytest.raises(FetchError) as info:
                await fetcher.fetch(server.url(path))
            assert info.value.kind == "too_large", path
        assert (await fetcher.fetch(server.url("/small"))).body == b"<rss/>"
        for path in ("/corrupt", "/br"):
            with pytest.raises(FetchError) as info:
                await fetcher.fetch(server.url(path))
            assert info.value.kind == "bad_response"
    finally:
        await fetcher.close()


async def test_total_timeout(settings: Settings, server: FeedServer) -> None:
    server.sequence("/slow", [Spec(body=b"late", delay_s=0.5)])
    fetcher = SafeFetcher(settings, timeout_s=0.1)
    try:
        with pytest.raises(FetchError) as info:
            await fetcher.fetch(server.url("/slow"))
        assert info.value.kind == "timeout"
    finally:
        await fetcher.close()


async def test_connection_refused_is_connect_error(settings: Settings) -> None:
    fetcher = SafeFetcher(settings)
    try:
        with pytest.raises(FetchError) as info:
            await fetcher.fetch("http://127.0.0.1:1/")
        assert info.value.kind == "connect"
    finally:
        await fetcher.close()


async def test_authorization_dropped_on_cross_origin_redirect(
    settings: Settings, server: FeedServer
) -> None:
    other = await FeedServer().start()
    other.set("/", "ok")
    server.set("/away", status=302, headers={"Location": other.url("/")})
    fetcher = SafeFetcher(settings)
    try:
        await fetcher.fetch(server.url("/away"), headers={"Authorization": "Bearer s3cret"})
        assert server.requests[0][1]["Authorization"] == "Bearer s3cret"
        assert "Authorization" not in other.requests[0][1]
    finally:
        await fetcher.close()
        await other.stop()


def test_parse_retry_after() -> None:
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
