"""The outbox dispatcher end to end: real SMTP (aiosmtpd), a signed-webhook receiver,
retries, rate limits, rejection, crash recovery and two workers on PostgreSQL."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from core.alerts.dispatcher import Dispatcher
from core.models import Delivery, Destination, DestinationKind
from tests.conftest import wait_for
from tests.test_delivery_kit import (
    FAST,
    Receiver,
    destination,
    drain,
    parts,
    rows,
    subscribe,
    user,
)

SECRET = "whsec-test-0123456789"

pytest_plugins = ["tests.fakes.fixtures"]


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    r = Receiver(secret=SECRET)
    await r.start()
    try:
        yield r
    finally:
        await r.stop()


async def test_email_alert_delivered_escaped_with_unsubscribe(mail_app, smtp) -> None:
    sink, _ = smtp
    owner = await user("mia")
    dest = await destination(owner, DestinationKind.EMAIL, "mia@example.com")
    await subscribe(owner, dest)
    alert = await mail_app.alerts.create_manual(
        "Acme <script>alert(1)</script> & TGE\r\nBcc: evil@example.com",
        "",
        "https://a.example/x?a=1&b=2",
    )
    dispatcher = Dispatcher(mail_app, FAST)
    await drain(dispatcher)

    [row] = await rows(alert_id=alert.id)
    assert row.status == "sent" and row.attempts == 1
    [msg] = sink.messages
    assert row.external_id == msg["Message-ID"]
    assert msg["To"] == "mia@example.com" and msg["Bcc"] is None
    assert "\n" not in msg["Subject"] and "Acme <script>" in msg["Subject"]
    text, html = parts(msg)
    assert "<script>" in text
    assert "<script>" not in html and "&lt;script&gt;" in html and "&amp; TGE" in html
    assert 'href="https://a.example/x?a=1&amp;b=2"' in html
    token = (await dest.subscriptions.all())[0].unsubscribe_token
    assert token and f"/unsubscribe/{token}" in text and f"/unsubscribe/{token}" in html
    assert msg["List-Unsubscribe"].endswith(f"/unsubscribe/{token}>")
    await dispatcher.run_once()
    assert len(sink.messages) == 1  # a sent row is never sent again


async def test_email_temporary_failure_is_retried(mail_app, smtp) -> None:
    sink, _ = smtp
    sink.fail_data = 1
    owner = await user("max")
    await subscribe(owner, await destination(owner, DestinationKind.EMAIL, "max@example.com"))
    alert = await mail_app.alerts.create_manual("Acme TGE", "", "")
    await drain(Dispatcher(mail_app, FAST))
    [row] = await rows(alert_id=alert.id)
    assert row.status == "sent" and row.attempts == 2 and len(sink.messages) == 1


async def test_bounce_rejects_destination_and_tells_owner(mail_app, smtp, receiver) -> None:
    sink, _ = smtp
    owner = await user("nia")
    bad = await destination(owner, DestinationKind.EMAIL, "bounce@example.com", name="work mail")
    hook = await destination(owner, DestinationKind.WEBHOOK, receiver.url, secret=SECRET)
    await subscribe(owner, bad)
    alert = await mail_app.alerts.create_manual("Acme TGE", "", "")
    await Delivery.filter(destination_id=hook.id).delete()  # only the email row matters here
    await drain(Dispatcher(mail_app, FAST))

    [row] = await rows(alert_id=alert.id)
    assert row.status == "rejected" and row.attempts == 0
    await bad.refresh_from_db()
    assert bad.rejected_reason and "550" in bad.rejected_reason
    assert sink.messages == []
    [notice] = receiver.received
    assert notice["type"] == "notice" and "work mail" in notice["text"]
    later = await mail_app.alerts.create_manual("Acme TGE again", "", "")
    assert await rows(alert_id=later.id, destination_id=bad.id) == []


async def test_signed_webhook_verified_by_receiver(app, receiver) -> None:
    owner = await user("olga")
    good = await destination(owner, DestinationKind.WEBHOOK, receiver.url, secret=SECRET)
    wrong = await destination(
        owner, DestinationKind.WEBHOOK, receiver.url + "?x=1", secret="not-the-secret"
    )
    await subscribe(owner, good)
    await subscribe(owner, wrong)
    alert = await app.alerts.create_manual("Acme <b>TGE</b>", "", "https://a.example/")
    await drain(Dispatcher(app, FAST))

    payload, notice = receiver.received  # the owner hears about the rejected one
    assert notice["type"] == "notice"
    assert payload["type"] == "alert"
    assert payload["alert"]["id"] == alert.id
    assert payload["alert"]["title"] == "Acme <b>TGE</b>"  # JSON carries raw text
    assert receiver.bad_signatures == 1
    statuses = {r.destination_id: r.status for r in await rows(alert_id=alert.id)}
    assert statuses == {good.id: "sent", wrong.id: "rejected"}


async def test_5xx_retried_with_backoff_then_delivered(app, receiver) -> None:
    owner = await user("pia")
    await subscribe(
        owner, await destination(owner, DestinationKind.WEBHOOK, receiver.url, secret=SECRET)
    )
    receiver.statuses = [(503, {}), (500, {})]
    alert = await app.alerts.create_manual("Acme TGE", "", "")
    await drain(Dispatcher(app, FAST))
    [row] = await rows(alert_id=alert.id)
    assert row.status == "sent" and row.attempts == 3 and len(receiver.received) == 1
    gaps = [b - a for a, b in zip(receiver.times, receiver.times[1:], strict=False)]
    assert all(g >= FAST.backoff_base_s * 0.5 - 0.005 for g in gaps)


async def test_dead_after_max_attempts(app, receiver) -> None:
    owner = await user("quin")
    await subscribe(
        owner, await destination(owner, DestinationKind.WEBHOOK, receiver.url, secret=SECRET)
    )
    receiver.statuses = [(502, {})] * 10
    alert = await app.alerts.create_manual("Acme TGE", "", "")
    await drain(Dispatcher(app, FAST))
    [row] = await rows(alert_id=alert.id)
    assert row.status == "dead" and row.attempts == FAST.max_attempts
    assert "502" in row.last_error and len(receiver.times) == FAST.max_attempts


async def test_429_waits_retry_after_and_is_not_an_attempt(app, receiver) -> None:
    owner = await user("rui")
    await subscribe(
        owner, await destination(owner, DestinationKind.WEBHOOK, receiver.url, secret=SECRET)
    )
    receiver.statuses = [(429, {"Retry-After": "1"})]
    alert = await app.alerts.create_manual("Acme TGE", "", "")
    await drain(Dispatcher(app, FAST), within_s=5)
    [row] = await rows(alert_id=alert.id)
    assert row.status == "sent" and row.attempts == 1
    assert len(receiver.received) == 1
    assert receiver.times[1] - receiver.times[0] >= 0.99


async def test_abandoned_claims_are_finished_after_restart_once(app, receiver) -> None:
    owner = await user("sam")
    for i in range(3):
        await subscribe(
            owner,
            await destination(owner, DestinationKind.WEBHOOK, f"{receiver.url}/{i}", secret=SECRET),
        )
    for i in range(4):
        await app.alerts.create_manual(f"Acme TGE {i}", "", "")
    config = replace(FAST, lease_s=0.3, per_destination=0)
    crashed = Dispatcher(app, config, worker_id="crashed-worker")
    claimed = await crashed.claim()
    assert len(claimed) == 12  # claimed, then the process "died" before sending

    restarted = Dispatcher(app, config, worker_id="restarted")
    assert await restarted.run_once() == 0  # claims still leased: nothing is stolen early
    await asyncio.sleep(0.35)
    await drain(restarted)
    assert len(receiver.received) == 12
    pairs = Counter(
        (p, r["alert"]["id"]) for p, r in zip(receiver.paths, receiver.received, strict=True)
    )
    assert set(pairs.values()) == {1}
    assert {r.status for r in await rows()} == {"sent"}
    await asyncio.sleep(0.35)
    assert await restarted.run_once() == 0  # sent rows are never claimed again
    assert len(receiver.received) == 12


async def test_dispatcher_component_wakes_on_new_alert(app, receiver) -> None:
    owner = await user("tia")
    await subscribe(
        owner, await destination(owner, DestinationKind.WEBHOOK, receiver.url, secret=SECRET)
    )
    dispatcher = Dispatcher(app, replace(FAST, poll_interval_s=30))
    await dispatcher.start()
    try:
        await asyncio.sleep(0.05)
        await app.alerts.create_manual("Acme TGE", "", "")
        await wait_for(lambda: len(receiver.received) == 1, within_s=3)
    finally:
        await dispatcher.stop()


async def test_two_dispatchers_on_postgres_deliver_each_row_once(pg_app, receiver) -> None:
    owner = await user("uma")
    for i in range(3):
        await subscribe(
            owner,
            await destination(owner, DestinationKind.WEBHOOK, f"{receiver.url}/{i}", secret=SECRET),
        )
    for i in range(30):
        await pg_app.alerts.create_manual(f"Acme TGE {i}", "", "")
    assert await Delivery.all().count() == 90
    config = replace(FAST, batch_size=7, poll_interval_s=0.01)
    one = Dispatcher(pg_app, config, worker_id="one")
    two = Dispatcher(pg_app, config, worker_id="two")
    await one.start()
    await two.start()
    try:
        await wait_for(_all_sent, within_s=20, interval=0.05)
    finally:
        await one.stop()
        await two.stop()
    assert len(receiver.received) == 90
    pairs = Counter(
        (p, r["alert"]["id"]) for p, r in zip(receiver.paths, receiver.received, strict=True)
    )
    assert len(pairs) == 90 and set(pairs.values()) == {1}
    assert one.stats["sent"] > 0 and two.stats["sent"] > 0
    assert one.stats["sent"] + two.stats["sent"] == 90


async def _all_sent() -> bool:
    return await Delivery.filter(status="sent").count() == 90


async def test_unknown_destination_kind_rows_wait_for_a_worker_that_has_it(app) -> None:
    owner = await user("vic")
    dest = await destination(owner, DestinationKind.TELEGRAM, "12345")
    await subscribe(owner, dest)
    await app.alerts.create_manual("Acme TGE", "", "")
    assert await Dispatcher(app, FAST).run_once() == 0  # no telegram channel in this process
    [row] = await rows()
    assert row.status == "pending" and row.claimed_by is None
    assert await Destination.get(id=dest.id)
