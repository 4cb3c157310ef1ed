"""One alert's links and wording, reviewed before anyone sees it.

- every link it carries (the source URL and each URL in the text) gets a verdict;
- scam phrasing ("send ETH to receive", "connect wallet to claim") next to a link that is not
  official lowers the item's confidence;
- a story about impersonation of a watched project ("fake LayerZero claim site") is labelled
  a warning, not a TGE.

Kept apart from the scorer (`core/scoring/`): it runs on the scorer's output, only for items
that would become alerts, and the scorer (or a learned model behind it) needs to know nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from core.linkguard.domains import registrable_domain
from core.linkguard.guard import OFFICIAL, SUSPICIOUS, LinkGuard, LinkVerdict
from core.scoring import Analysis, band_for

MAX_LINKS = 20
SCAM_FACTOR = 0.35  # a scam-worded item keeps about a third of its confidence

_URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"'`{}|\\^\[\]]+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}'\"»”’"
_SCHEME_RE = re.compile(r"https?://", re.IGNORECASE)

_COIN = r"(?:eth|btc|sol|bnb|usdt|usdc|ton|sui|matic|crypto|coins?|tokens?|funds)"
_SCAM_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p, re.IGNORECASE), label)
    for p, label in (
        (
            rf"\bsend\b[^!?\n]{{0,30}}\b{_COIN}\b[^!?\n]{{0,50}}\b(?:receive|get|back|double)",
            "send crypto to receive more",
        ),
        (rf"\bdouble\s+your\s+{_COIN}", "double your crypto"),
        (
            r"\bconnect\s+(?:your\s+)?wallet\b[^.!?\n]{0,40}\b(?:claim|receive|verify|check|"
            r"eligib|get)",
            "connect wallet to claim",
        ),
        (r"\b(?:validate|verify|sync|rectify|restore)\s+(?:your\s+)?wallet", "verify your wallet"),
        (
            r"\b(?:enter|submit|share|import)\s+(?:your\s+)?(?:seed|recovery|secret|mnemonic)"
            r"(?:\s+phrase)?|\bprivate\s+key\b",
            "asks for a seed phrase",
        ),
        (
            r"\bclaim\s+(?:your\s+)?(?:free\s+)?(?:tokens?|airdrop|rewards?)\s+(?:now|before|"
            r"immediately|within)\b",
            "claim now pressure",
        ),
    )
)

_IMPERSONATION_RE = re.compile(
    r"\b(?:fake|phishing|scam|spoofed|impersonat\w*|counterfeit|fraudulent|malicious|"
    r"drainer|copycat|look-?alike)\b[^.!?\n]{0,60}?\b(?:sites?|websites?|domains?|links?|urls?|"
    r"pages?|claims?|airdrops?|accounts?|apps?|dapps?|tokens?|profiles?|tweets?|posts?)\b"
    r"|\bimpersonat\w+\b"
    r"|\bbeware\b[^.!?\n]{0,40}\b(?:fake|phishing|scam)",
    re.IGNORECASE,
)
_CLAIM_RE = re.compile(r"\b(?:claim\w*|airdrop\w*)\b", re.IGNORECASE)


def extract_urls(*texts: str, limit: int = MAX_LINKS) -> list[str]:
    """http(s) and www. links in reading order, trailing punctuation trimmed, no repeats."""
    seen: set[str] = set()
    out: list[str] = []
    for text in texts:
        text = text or ""
        pos = 0
        while (match := _URL_RE.search(text, pos)) is not None:
            url = match.group(0)
            pos = match.end()
            again = _SCHEME_RE.search(url, 8)  # "site.comhttps://next": two links run together
            if again:
                url = url[: again.start()]
                pos = match.start() + again.start()
            url = url.rstrip(_TRAILING)
            if url.lower().startswith("www."):
                url = "https://" + url
            if len(url) > 2048 or url in seen:
                continue
            seen.add(url)
            out.append(url)
            if len(out) >= limit:
                return out
    return out


@dataclass
class LinkReview:
    """What the guard concluded about one alert; stored inside the alert's analysis JSON."""

    links: list[LinkVerdict] = field(default_factory=list)
    warning: str | None = None  # impersonation story: a warning, not a TGE
    scam: str | None = None  # scam phrasing found next to an unofficial link
    headline: str | None = None  # first line for a claim alert whose only link is suspicious

    @property
    def kind(self) -> str:
        return "warning" if self.warning else "tge"

    def to_json(self) -> dict[str, Any]:
        return {
            "links": [v.to_json() for v in self.links],
            "kind": self.kind,
            "warning": self.warning,
            "scam": self.scam,
            "link_headline": self.headline,
        }

    @classmethod
    def from_analysis(cls, analysis: dict[str, Any] | None) -> LinkReview:
        data = analysis or {}
        return cls(
            links=[
                LinkVerdict.from_json(v) for v in data.get("links") or [] if isinstance(v, dict)
            ],
            warning=data.get("warning") or None,
            scam=data.get("scam") or None,
            headline=data.get("link_headline") or None,
        )


def review(
    guard: LinkGuard,
    analysis: Analysis,
    *,
    title: str,
    text: str,
    url: str,
    source_url: str | None = None,
) -> tuple[Analysis, LinkReview]:
    """Check the item's links and wording; returns the (possibly lowered) analysis and why.

    `source_url`: the feed's own address; links to that site are official as a source.
    """
    companies = [str(c.get("name")) for c in analysis.companies if c.get("name")]
    source_site = registrable_domain(source_url) if source_url else None
    urls = extract_urls(url or "", title or "", text or "")
    links = [guard.check(u, context=companies, source_site=source_site) for u in urls]
    result = LinkReview(links=links)
    body = f"{title}\n{text}"
    if companies and _IMPERSONATION_RE.search(body):
        result.warning = f"Warning: impersonation of {companies[0]} — not a TGE"
        return analysis, result
    unofficial = [v for v in links if v.verdict != OFFICIAL]
    if unofficial:
        for pattern, label in _SCAM_PATTERNS:
            if pattern.search(body):
                result.scam = label
                analysis = _lowered(analysis, label)
                break
    if links and all(v.verdict == SUSPICIOUS for v in links) and _CLAIM_RE.search(body):
        target = next((v.company for v in links if v.company), None) or (
            companies[0] if companies else "the project"
        )
        result.headline = (
            f"🚫 The only link in this claim alert is NOT {target}'s site: do not connect a wallet"
        )
    return analysis, result


def _lowered(analysis: Analysis, label: str) -> Analysis:
    conf = round(analysis.confidence * SCAM_FACTOR, 3)
    delta = round(conf - analysis.confidence, 3)
    return replace(
        analysis,
        confidence=conf,
        band=band_for(conf),
        negatives=[*analysis.negatives, "scam phrasing"],
        explanation=[
            *analysis.explanation,
            {
                "signal": "negative:scam",
                "detail": f"'{label}' with a link that is not an official site",
                "delta": delta,
            },
        ],
    )
