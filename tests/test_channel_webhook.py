"""Webhooks go out through the safe fetcher: private addresses refused at connect time (the
destination is rejected), POST redirects never followed, the answer's size capped."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from core.alerts.dispatcher import Dispatcher
from core.models import DestinationKind
from core.monitors.fetch import FetchError, SafeFetcher
from core.runtime import App, create_app
from tests.conftest import make_settings
from tests.fakes.feeds import StaticResolver
from tests.test_delivery_kit import FAST, Receiver, destination, drain, rows, subscribe, user

SECRET = "whsec-test-0123456789"


@pytest.fixture
async def strict_app(tmp_path: Path) -> AsyncIterator[App]:
    """An App that refuses private networks, with DNS from a table (as tests/test_fetch.py)."""
    settings = make_settings(tmp_path, FETCH_ALLOW_PRIVATE_NETWORKS="false")
    app = create_app(settings)
    app.fetcher = SafeFetcher(
        settings,
        resolver=StaticResolver({"hooks.example.com": "127.0.0.1", "ok.example.com": "127.0.0.2"}),
        allow=["127.0.0.2/32"],  # stands in for a public server
    )
    await app.open()
    try:
        yield app
    finally:
        await app.fetcher.close()
        await app.stop()


async def test_webhook_to_private_address_refused_and_destination_rejected(strict_app) -> None:
    receiver = Receiver(secret=SECRET)
    await receiver.start()  # on 127.0.0.1: a private address for this App
    try:
        port = receiver.url.split(":")[2].split("/")[0]
        owner = await user("wes")
        literal = await destination(owner, DestinationKind.WEBHOOK, receiver.url, secret=SECRET)
        named = await destination(
            owner, DestinationKind.WEBHOOK, f"http://hooks.example.com:{port}/hook", secret=SECRET
        )
        await subscribe(owner, literal)
        await subscribe(owner, named)
        alert = await strict_app.alerts.create_manual("Acme TGE", "", "")
        await drain(Dispatcher(strict_app, FAST))
    finally:
        await receiver.stop()

    assert receiver.times == []  # nothing reached the private address
    statuses = {r.destination_id: (r.status, r.attempts) for r in await rows(alert_id=alert.id)}
    assert statuses == {literal.id: ("rejected", 0), named.id: ("rejected", 0)}
    await literal.refresh_from_db()
    await named.refresh_from_db()
    assert "loopback" in literal.rejected_reason
    assert "hooks.example.com resolves to 127.0.0.1" in named.rejected_reason


async def test_webhook_to_allowed_address_is_delivered_through_the_fetcher(strict_app) -> None:
    receiver = Receiver(secret=SECRET)
    receiver.host = "127.0.0.2"
    await receiver.start()
    try:
        port = receiver.url.split(":")[2].split("/")[0]
        owner = await user("wyn")
        url = f"http://ok.example.com:{port}/hook"
        await subscribe(
            owner, await destination(owner, DestinationKind.WEBHOOK, url, secret=SECRET)
        )
        alert = await strict_app.alerts.create_manual("Acme TGE", "", "")
        await drain(Dispatcher(strict_app, FAST))
    finally:
        await receiver.stop()
    [payload] = receiver.received
    assert payload["alert"]["id"] == alert.id
    assert "ok.example.com" in strict_app.fetcher._inner_resolver.lookups


async def test_post_redirect_is_not_followed(app) -> None:
    receiver = Receiver(secret=SECRET)
    await receiver.start()
    try:
        receiver.statuses = [(307, {"Location": receiver.url + "/elsewhere"})]
        owner = await user("xia")
        dest = await destination(owner, DestinationKind.WEBHOOK, receiver.url, secret=SECRET)
        await subscribe(owner, dest)
        alert = await app.alerts.create_manual("Acme TGE", "", "")
        await drain(Dispatcher(app, FAST))
    finally:
        await receiver.stop()
    assert len(receiver.times) == 1 and receiver.received == []
    [row] = await rows(alert_id=alert.id)
    assert row.status == "dead" and "307" in row.last_error


async def test_post_response_is_capped(settings) -> None:
    async def huge(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(body=b"x" * 10_000)

    server = web.Application()
    server.router.add_post("/", huge)
    runner = web.AppRunner(server)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    fetcher = SafeFetcher(settings)
    try:
        ok = await fetcher.post(f"http://127.0.0.1:{port}/", b"{}", max_bytes=20_000)
        assert ok.status == 200 and len(ok.body) == 10_000
        with pytest.raises(FetchError) as err:
            await fetcher.post(f"http://127.0.0.1:{port}/", b"{}", max_bytes=1_000)
        assert err.value.kind == "too_large"
    finally:
        await fetcher.close()
        await runner.cleanup()
