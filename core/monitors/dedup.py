"""Identity of a story across sources: canonical URLs and near-identical title fingerprints."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "mc_cid", "mc_eid", "ref", "ref_src", "igshid", "cmpid", "ncid", "_ga"}
)
_STOPWORDS = frozenset(
    "a an the to of in on for and or is are its it as at by with from this that be".split()
)
_NON_WORD = re.compile(r"[^0-9a-z$]+")


def canonical_url(url: str) -> str:
    """Same article, same string: lower-case scheme/host, no default port, utm_*/fragment
    stripped, query sorted, trailing slash dropped, http and https treated alike."""
    url = (url or "").strip()
    if not url:
        return ""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().rstrip(".")
        port = parts.port
    except ValueError:
        return url[:2048]
    if not host:
        return url[:2048]
    if host.startswith("www."):
        host = host[4:]
    netloc = host if port in (None, 80, 443) else f"{host}:{port}"
    query = sorted(
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith("utm_") and k.lower() not in _TRACKING_PARAMS
    )
    path = parts.path.rstrip("/") or ""
    return urlunsplit(("https", netloc, path, urlencode(query), ""))[:2048]


def normalise_title(title: str) -> str:
    text = unicodedata.normalize("NFKD", title or "").encode("ascii", "ignore").decode()
    words = [w for w in _NON_WORD.split(text.lower()) if w and w not in _STOPWORDS]
    return " ".join(words)


def title_fingerprint(title: str) -> str:
    """A hash of the normalised title (case, punctuation, accents, stop words ignored).

    Empty when the title is too short to identify a story (fewer than four words), so
    "Breaking" from two feeds is never merged.
    """
    norm = normalise_title(title)
    if len(norm.split()) < 4:
        return ""
    return hashlib.blake2b(norm.encode(), digest_size=16).hexdigest()
