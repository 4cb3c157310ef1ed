"""Shared helpers for the alert/delivery tests (no tests here): data builders, a real
in-loop SMTP server (aiosmtpd), and a signed-webhook receiver."""

from __future__ import annotations

import asyncio
import email
import email.policy
import json
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiohttp import web
from aiosmtpd.smtp import SMTP, Envelope

from core.alerts.dispatcher import DispatchConfig, Dispatcher
from core.channels.webhook import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify_signature
from core.models import (
    EDIT_PENDING,
    Company,
    Delivery,
    Destination,
    DestinationKind,
    EventMessage,
    Feed,
    FeedKind,
    Item,
    Subscription,
    SubscriptionMode,
    User,
)
from core.scoring import Analysis, band_for
from tests.conftest import wait_for

FAST = DispatchConfig(
    batch_size=50,
    concurrency=16,
    poll_interval_s=0.02,
    lease_s=30.0,
    max_attempts=3,
    backoff_base_s=0.05,
    backoff_cap_s=0.2,
)


def analysis(
    confidence: float = 0.9, companies: list[Company] | None = None, **kw: Any
) -> Analysis:
    return Analysis(
        confidence=confidence,
        band=band_for(confidence),
        companies=[
            {"id": c.id, "name": c.name, "matched": c.name, "priority": "HIGH"}
            for c in companies or []
        ],
        tokens=kw.pop("tokens", []),
        urgency=kw.pop("urgency", None),
        **kw,
    )


async def user(name: str, tz: str = "UTC") -> User:
    return await User.create(username=name, timezone=tz)


async def destination(
    owner: User, kind: DestinationKind | str, address: str, **kw: Any
) -> Destination:
    if DestinationKind(kind) != DestinationKind.WEBHOOK:
        # emails prove themselves by a code, chats by an admin inside them: these are proven
        kw.setdefault("verified", True)
    return await Destination.create(owner=owner, kind=kind, address=address, **kw)


async def subscribe(owner: User, dest: Destination, **kw: Any) -> Subscription:
    kw.setdefault("min_confidence", 0.0)
    kw.setdefault("mode", SubscriptionMode.INSTANT)
    return await Subscription.create(user=owner, destination=dest, **kw)


async def rows(**filters: Any) -> list[Delivery]:
    return await Delivery.filter(**filters).order_by("id")


async def digest_alerts(app: Any) -> list[Any]:
    """Four alerts: two for Acme, one for "Zeta <Labs>", one for no company."""
    acme = await Company.create(name="Acme")
    zeta = await Company.create(name="Zeta <Labs>")
    feed = await Feed.create(kind=FeedKind.RSS, name="Wire", url="https://w.example/rss")
    specs = [
        ("Acme testnet <b>points</b>", 0.7, [acme]),
        ("Zeta airdrop claim opens", 0.8, [zeta]),
        ("Acme TGE on March 3 & more", 0.95, [acme]),
        ("Mystery token launch", 0.6, []),
    ]
    out = []
    for i, (title, conf, companies) in enumerate(specs):
        item = await Item.create(
            feed=feed, guid=f"g{i}", url=f"https://w.example/{i}", title=title, fingerprint=f"{i}"
        )
        out.append(await app.alerts.create_from_item(item, analysis(conf, companies)))
    return out


async def drain(dispatcher: Dispatcher, within_s: float = 5.0) -> None:
    """Run dispatcher passes until no row is pending/failed and no edit waits any more."""

    async def done() -> bool:
        await dispatcher.run_once()
        return not (
            await Delivery.filter(status__in=("pending", "failed")).exists()
            or await EventMessage.filter(edit_status=EDIT_PENDING).exists()
        )

    await wait_for(done, within_s=within_s, interval=0.01)


# --- real SMTP server --------------------------------------------------------------------


class MailSink:
    """aiosmtpd handler: keeps every message; RCPT to bounce*@ gets a permanent 550."""

    def __init__(self) -> None:
        self.envelopes: list[Envelope] = []
        self.fail_data = 0  # answer the next N DATA commands with 451 (temporary)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("bounce"):
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.fail_data > 0:
            self.fail_data -= 1
            return "451 4.3.0 try again later"
        self.envelopes.append(envelope)
        return "250 OK"

    @property
    def messages(self) -> list[EmailMessage]:
        return [
            email.message_from_bytes(e.content, policy=email.policy.default)  # type: ignore[misc]
            for e in self.envelopes
        ]


async def start_smtp() -> tuple[MailSink, asyncio.AbstractServer, int]:
    sink = MailSink()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(sink), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    return sink, server, port


def parts(msg: EmailMessage) -> tuple[str, str]:
    text = msg.get_body(preferencelist=("plain",))
    html = msg.get_body(preferencelist=("html",))
    return (text.get_content() if text else ""), (html.get_content() if html else "")


# --- webhook receiver --------------------------------------------------------------------


@dataclass
class Receiver:
    """A webhook endpoint that verifies signatures; script statuses with `statuses`."""

    secret: str
    received: list[dict[str, Any]] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    bad_signatures: int = 0
    statuses: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    runner: web.AppRunner | None = None
    url: str = ""
    host: str = "127.0.0.1"
    delay_s: float = 0.0  # a slow peer shows duplicates a fast one hides

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        self.times.append(asyncio.get_running_loop().time())
        if self.statuses:
            status, headers = self.statuses.pop(0)
            return web.Response(status=status, headers=headers)
        ok = verify_signature(
            self.secret,
            request.headers.get(TIMESTAMP_HEADER, ""),
            body,
            request.headers.get(SIGNATURE_HEADER, ""),
        )
        if not ok:
            self.bad_signatures += 1
            return web.Response(status=401)
        self.received.append(json.loads(body))
        self.paths.append(request.path)
        return web.json_response({"ok": True})

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/{tail:.*}", self.handle)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, self.host, 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://{self.host}:{port}/hook"
        return self.url

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()
