"""Row 9: feed text cannot become a working Discord link, format, or mention."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from bot.discord.channel import render_digest, render_embed
from core.alerts.render import AlertMessage, DigestMessage

EVIL = "Claim here](https://evil.example) and"
# a Markdown link: [label](target) whose "[" and "](" are not escaped
LINK = re.compile(r"(?<!\\)\[((?:\\.|[^\]\\])*)(?<!\\)\]\(([^)\s]*)\)")


def _msg(title: str, url: str = "https://news.example/a") -> AlertMessage:
    return AlertMessage(
        alert_id=1,
        title=title,
        url=url,
        source="Wire",
        companies=("Acme",),
        tokens=("ACM",),
        confidence=0.9,
        band="high",
        urgency_date=None,
        urgency_text=None,
        why="because",
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )


def test_digest_title_cannot_inject_a_link() -> None:
    digest = DigestMessage(
        window_key="k",
        window_label="daily",
        groups=(("Acme", (_msg(EVIL), _msg("ok", "https://x.example/a)(b c"))),),
    )
    rendered = render_digest(digest)
    text = "\n".join(f["value"] for f in rendered["fields"])
    targets = [m.group(2) for m in LINK.finditer(text)]
    assert targets == ["https://news.example/a", "https://x.example/a%29%28b%20c"]


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("@everyone now", "@\u200beveryone now"),
        ("`code` and **bold**", "\\`code\\` and \\*\\*bold\\*\\*"),
        ("a](https://evil.example)", "a\\]\\(https://evil.example\\)"),
        ("# big heading\n> quote", "\\# big heading\n\\> quote"),
        ("under_score ~strike~ |spoil|", "under\\_score \\~strike\\~ \\|spoil\\|"),
    ],
)
def test_escape_neutralises_markdown(raw: str, escaped: str) -> None:
    from bot.discord.markdown import escape

    assert escape(raw) == escaped


def test_embed_and_link_helpers() -> None:
    from bot.discord.markdown import link

    embed = render_embed(_msg("**Huge** @here airdrop"))
    assert "**Huge**" not in embed["title"] and "@here" not in embed["title"]
    assert link("x", "javascript:alert(1)") == "x"
    assert link("a]b", "https://ok.example/p") == "[a\\]b](https://ok.example/p)"
