"""Email digests through a real aiosmtpd server: grouping, escaping, windows, never twice."""

from __future__ import annotations

from datetime import timedelta

from core.alerts.digest import DigestWorker
from core.models import Delivery, DestinationKind, Digest
from tests.test_delivery_kit import (
    FAST,
    destination,
    digest_alerts,
    parts,
    rows,
    subscribe,
    user,
)

pytest_plugins = ["tests.fakes.fixtures"]


async def test_digest_groups_by_company_and_is_sent_once(mail_app, smtp) -> None:
    sink, _ = smtp
    owner = await user("dina", tz="Europe/Berlin")
    dest = await destination(owner, DestinationKind.EMAIL, "dina@example.com")
    await subscribe(owner, dest, mode="digest", digest_interval="hourly")
    made = await digest_alerts(mail_app)
    pending = await rows(destination_id=dest.id)
    assert len(pending) == 4 and len({r.digest_key for r in pending}) == 1
    due = pending[0].next_attempt_at
    worker = DigestWorker(mail_app, FAST)

    assert await worker.run_once(now=due - timedelta(seconds=1)) == 0  # window still open
    assert sink.messages == []
    assert await worker.run_once(now=due + timedelta(seconds=1)) == 1

    [msg] = sink.messages
    assert msg["To"] == "dina@example.com"
    assert msg["Subject"].startswith("TGE digest: 4 alerts (hourly, until ")
    assert "Europe/Berlin" in msg["Subject"]
    text, html = parts(msg)
    order = [
        text.index("== Acme =="),
        text.index("Acme TGE on March 3"),
        text.index("Acme testnet"),
        text.index("== Zeta <Labs> =="),
        text.index("== Other =="),
    ]
    assert order == sorted(order)  # groups by best alert, highest confidence first
    assert "<b>points</b>" in text
    assert "&lt;b&gt;points&lt;/b&gt;" in html and "<b>points</b>" not in html
    assert "Zeta &lt;Labs&gt;" in html and "&amp; more" in html
    assert "/unsubscribe/" in text and "/unsubscribe/" in html
    assert {r.status for r in await rows(destination_id=dest.id)} == {"sent"}
    digest = await Digest.get(destination_id=dest.id)
    assert digest.status == "sent" and digest.alert_count == 4
    assert await worker.run_once(now=due + timedelta(hours=1)) == 0
    assert len(sink.messages) == 1
    assert len(made) == 4


async def test_failed_digest_is_retried_and_not_sent_twice(mail_app, smtp) -> None:
    sink, _ = smtp
    sink.fail_data = 1
    owner = await user("eli")
    dest = await destination(owner, DestinationKind.EMAIL, "eli@example.com")
    await subscribe(owner, dest, mode="digest", digest_interval="daily", digest_hour=9)
    await digest_alerts(mail_app)
    due = (await rows(destination_id=dest.id))[0].next_attempt_at
    worker = DigestWorker(mail_app, FAST)
    assert await worker.run_once(now=due) == 0
    digest = await Digest.get(destination_id=dest.id)
    assert digest.status == "failed" and digest.attempts == 1
    assert await worker.run_once(now=due + timedelta(minutes=1)) == 1
    assert await worker.run_once(now=due + timedelta(minutes=2)) == 0
    assert len(sink.messages) == 1
    await digest.refresh_from_db()
    assert digest.status == "sent"


async def test_rows_late_for_a_sent_window_are_not_mailed_again(mail_app, smtp) -> None:
    sink, _ = smtp
    owner = await user("fay")
    dest = await destination(owner, DestinationKind.EMAIL, "fay@example.com")
    await subscribe(owner, dest, mode="digest", digest_interval="hourly")
    await digest_alerts(mail_app)
    [first, *_] = await rows(destination_id=dest.id)
    worker = DigestWorker(mail_app, FAST)
    assert await worker.run_once(now=first.next_attempt_at) == 1
    await Delivery.filter(id=first.id).update(status="pending")  # e.g. a replayed row
    assert await worker.run_once(now=first.next_attempt_at) == 0
    assert len(sink.messages) == 1
