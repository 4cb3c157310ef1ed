"""The phishing guard: a verdict on every link an alert carries (see `guard.py`)."""

from core.linkguard.domains import registrable_domain
from core.linkguard.guard import (
    BADGES,
    OFFICIAL,
    SUSPICIOUS,
    UNKNOWN,
    GuardCompany,
    LinkGuard,
    LinkVerdict,
    defang,
    guard_companies,
)
from core.linkguard.review import LinkReview, extract_urls, review

__all__ = [
    "BADGES",
    "OFFICIAL",
    "SUSPICIOUS",
    "UNKNOWN",
    "GuardCompany",
    "LinkGuard",
    "LinkReview",
    "LinkVerdict",
    "defang",
    "extract_urls",
    "guard_companies",
    "registrable_domain",
    "review",
]
