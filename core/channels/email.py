"""Email through aiosmtplib: instant alerts, digests, and plain mails (verification codes)."""

from __future__ import annotations

import email.utils
import logging
from email.message import EmailMessage
from typing import TYPE_CHECKING, ClassVar

import aiosmtplib

from core.alerts import render
from core.alerts.render import AlertMessage, DigestMessage
from core.channels.base import Channel, Notice, Outcome
from core.config import Settings
from core.errors import InvalidInput, ServiceError

if TYPE_CHECKING:
    from core.models import Destination

log = logging.getLogger(__name__)

# SMTP replies that mean "this address will never work", not "try later"
PERMANENT_RECIPIENT_CODES = frozenset({501, 550, 551, 553, 554})


class EmailUnavailable(ServiceError):
    """The mail server could not take the message now; the caller may try again later."""

    code = "unavailable"


class EmailChannel(Channel):
    """Sends multipart (text + escaped HTML) mail through the configured SMTP server."""

    kind: ClassVar[str] = "email"
    max_length: ClassVar[int] = 200_000
    supports_digest: ClassVar[bool] = True

    def __init__(self, settings: Settings, *, timeout_s: float = 30.0) -> None:
        self.settings = settings
        self.timeout_s = timeout_s

    @property
    def configured(self) -> bool:
        return bool(self.settings.smtp_host)

    def scopes(self, destination: Destination) -> tuple[str, ...]:
        return ("email",)

    def build(
        self,
        to: str,
        subject: str,
        text: str,
        html: str | None = None,
        *,
        unsubscribe_url: str | None = None,
    ) -> EmailMessage:
        """A ready-to-send message; the subject is folded onto one line (no header injection)."""
        msg = EmailMessage()
        msg["From"] = self.settings.smtp_from
        msg["To"] = to
        msg["Subject"] = " ".join(subject.split())[:250]
        msg["Date"] = email.utils.formatdate(localtime=False)
        domain = email.utils.parseaddr(self.settings.smtp_from)[1].rpartition("@")[2] or None
        msg["Message-ID"] = email.utils.make_msgid(domain=domain)
        if unsubscribe_url:
            msg["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        msg.set_content(text)
        if html is not None:
            msg.add_alternative(html, subtype="html")
        return msg

    async def deliver(self, msg: EmailMessage) -> Outcome:
        """Hand one message to the SMTP server and classify what happened."""
        if not self.configured:
            return Outcome.retry("SMTP_HOST is not configured")
        s = self.settings
        try:
            await aiosmtplib.send(
                msg,
                hostname=s.smtp_host,
                port=s.smtp_port,
                username=s.smtp_username or None,
                password=s.smtp_password or None,
                start_tls=s.smtp_starttls,
                timeout=self.timeout_s,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = {r.code for r in exc.recipients}
            if codes and all(c >= 500 for c in codes):
                return Outcome.rejected(f"recipient refused ({min(codes)})")
            return Outcome.retry(f"recipient temporarily refused ({min(codes, default=0)})")
        except aiosmtplib.SMTPResponseException as exc:
            if exc.code in PERMANENT_RECIPIENT_CODES and not isinstance(
                exc, aiosmtplib.SMTPSenderRefused | aiosmtplib.SMTPAuthenticationError
            ):
                return Outcome.rejected(f"SMTP {exc.code}: {exc.message[:200]}")
            return Outcome.retry(f"SMTP {exc.code}: {exc.message[:200]}")
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            return Outcome.retry(f"SMTP error: {type(exc).__name__}: {str(exc)[:200]}")
        return Outcome.sent(msg["Message-ID"])

    async def send(
        self, destination: Destination, message: AlertMessage | DigestMessage | Notice
    ) -> Outcome:
        to = destination.address
        if isinstance(message, AlertMessage):
            msg = self.build(
                to,
                render.email_subject(message),
                render.email_alert_text(message, message.unsubscribe_url),
                render.email_alert_html(message, message.unsubscribe_url),
                unsubscribe_url=message.unsubscribe_url,
            )
        elif isinstance(message, DigestMessage):
            msg = self.build(
                to,
                render.digest_subject(message),
                render.digest_text(message),
                render.digest_html(message),
                unsubscribe_url=message.unsubscribe_url,
            )
        else:
            msg = self.build(to, f"TGE Monitor: {message.title}", message.text)
        return await self.deliver(msg)

    async def send_email(self, to: str, subject: str, text: str, html: str | None = None) -> str:
        """Send one plain mail now (bots use it for verification codes); returns Message-ID.

        Raises InvalidInput for an address the server refuses for good, EmailUnavailable when
        it cannot take the mail now.
        """
        if not isinstance(to, str) or "@" not in to or any(c in to for c in "\r\n,;"):
            raise InvalidInput("email address is not valid", field="email")
        outcome = await self.deliver(self.build(to.strip(), subject, text, html))
        if outcome.kind == "sent":
            return outcome.external_id or ""
        if outcome.kind == "rejected":
            raise InvalidInput(
                f"the mail server refused this address: {outcome.reason}", field="email"
            )
        log.warning("email to a user could not be sent: %s", outcome.reason)
        raise EmailUnavailable("email could not be sent right now; try again later")
