"""Host names → registrable domains (eTLD+1) with the Public Suffix List, offline.

The list is the snapshot `tldextract` carries inside its wheel, read from that file; nothing
is fetched or cached on disk, so start-up and tests stay offline and a change of the live
list cannot change a verdict between two runs. The split is tldextract's own algorithm
(`TLDExtract.extract_str` with private domains included; a test compares the two on every
rule of the list), on a flat table instead of the library: importing tldextract pulls in
requests, urllib3 and every text codec (~11 MB) and its two tries take ~5 MB; this table
is ~1 MB. Private PSL entries (vercel.app, github.io, pages.dev, ...) count as suffixes:
`claim.vercel.app` and `layerzero.vercel.app` are two different sites, not two pages of
vercel.app.
"""

from __future__ import annotations

import importlib.util
import ipaddress
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import scheme_chars

import idna

# tldextract's snapshot of https://publicsuffix.org/list/public_suffix_list.dat
_PSL_PACKAGE = "tldextract"
_PSL_FILE = ".tld_set_snapshot"
_PRIVATE_MARK = "// ===BEGIN PRIVATE DOMAINS==="
_RULE_RE = re.compile(r"^(?P<suffix>[.*!]*\w[\S]*)", re.UNICODE | re.MULTILINE)  # tldextract's
_IPV4_RE = re.compile(
    r"^(?:(?:[0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])\.)"
    r"{3}(?:[0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])$",
    re.ASCII,
)
_SCHEME_CHARS = frozenset(scheme_chars)
_RULE, _PRIVATE = 1, 2  # flags of a table entry; 0: only a step towards longer rules


def psl_snapshot() -> Path:
    """The bundled list's file, found without importing tldextract."""
    spec = importlib.util.find_spec(_PSL_PACKAGE)
    if spec is None or spec.origin is None:
        raise RuntimeError("the Public Suffix List snapshot needs the tldextract package")
    return Path(spec.origin).parent / _PSL_FILE


@lru_cache(maxsize=1)
def _suffix_table() -> dict[str, int]:
    """Every rule and every suffix on the way to one (`uk`, `co.uk`, `*.ck`, `!www.ck`) →
    flags: the nodes of tldextract's trie, keyed by their dotted path. Loaded on first use."""
    public, _, private = psl_snapshot().read_text(encoding="utf-8").partition(_PRIVATE_MARK)
    table: dict[str, int] = {}
    for text, flags in ((public, _RULE), (private, _RULE | _PRIVATE)):
        for match in _RULE_RE.finditer(text):
            labels = match.group("suffix").split(".")
            for start in range(len(labels) - 1, 0, -1):
                table.setdefault(".".join(labels[start:]), 0)
            table[".".join(labels)] = flags  # a rule in both sections counts as private
    return table


def _decode_label(label: str) -> str:
    lowered = label.lower()
    if lowered.startswith("xn--"):
        try:
            return str(idna.decode(lowered))
        except (UnicodeError, IndexError):
            pass
    return lowered


def _suffix_start(labels: list[str]) -> tuple[int, bool] | None:
    """(index of the public suffix's first label, private?) or None: tldextract's walk."""
    table = _suffix_table()
    path = ""
    found = at = len(labels)
    private = False
    for label in reversed(labels):
        name = _decode_label(label)
        step = f"{name}.{path}" if path else name
        flags = table.get(step)
        if flags is not None:
            at -= 1
            path = step
            if flags & _RULE:
                found, private = at, bool(flags & _PRIVATE)
            continue
        wildcard = table.get(f"*.{path}" if path else "*")
        if wildcard is not None:
            exception = f"!{name}.{path}" if path else f"!{name}"
            return (at if exception in table else at - 1), bool(wildcard & _PRIVATE)
        break
    return None if found == len(labels) else (found, private)


def _lenient_host(url: str) -> str:
    """The host of a URL-like string, as tldextract reads it (`lenient_netloc`)."""
    slashes = url.find("//")
    if slashes == 0:
        url = url[2:]
    elif slashes >= 2 and url[slashes - 1] == ":" and not set(url[: slashes - 1]) - _SCHEME_CHARS:
        url = url[slashes + 2 :]
    authority = url.partition("/")[0].partition("?")[0].partition("#")[0]
    host = authority.rpartition("@")[-1]
    if host and host[0] == "[":
        before, bracket, _ = host.partition("]")
        if bracket:
            return f"{before}]"
    return host.partition(":")[0].strip().rstrip(".\u3002\uff0e\uff61")


def _extract(url: str) -> tuple[str, str, str, bool]:
    """(subdomain, domain, suffix, private) like `tldextract.TLDExtract.extract_str`."""
    netloc = _lenient_host(url).replace("\u3002", ".").replace("\uff0e", ".").replace("\uff61", ".")
    if len(netloc) >= 4 and netloc[0] == "[" and netloc[-1] == "]":
        try:
            ipaddress.IPv6Address(netloc[1:-1])
        except ValueError:
            pass
        else:
            return "", netloc, "", False
    labels = netloc.split(".")
    found = _suffix_start(labels)
    if found is None:
        if len(labels) == 4 and netloc[0].isdecimal() and _IPV4_RE.fullmatch(netloc):
            return "", netloc, "", False
        return ".".join(labels[:-1]), labels[-1], "", False
    at, private = found
    subdomain = ".".join(labels[: at - 1]) if at >= 2 else ""
    domain = labels[at - 1] if at > 0 else ""
    return subdomain, domain, ".".join(labels[at:]), private


@dataclass(frozen=True, slots=True)
class HostParts:
    """`claim.layerzero-drop.xyz` → subdomain `claim`, label `layerzero-drop`, suffix `xyz`."""

    host: str
    subdomain: str
    label: str
    suffix: str
    private_suffix: bool  # a hosting platform (vercel.app, github.io) rather than a TLD

    @property
    def registrable(self) -> str:
        return f"{self.label}.{self.suffix}" if self.label and self.suffix else self.host


@lru_cache(maxsize=8_192)
def split_host(host: str) -> HostParts:
    """Split an ASCII (punycode) host name; cached because hosts repeat across alerts.

    Bounded for a long run: ~300 bytes a host, so 65,536 (the former size) could hold
    ~20 MB of a 150 MB service once that many hosts had passed; the hosts that repeat
    (feeds' sites, the alerts' usual links) fit in a few thousand."""
    subdomain, label, suffix, private = _extract(host)
    return HostParts(
        host=host, subdomain=subdomain, label=label, suffix=suffix, private_suffix=private
    )


def registrable_domain(host: str) -> str:
    """`www.layerzero.network` → `layerzero.network`; a bare suffix or IP stays as given."""
    return split_host(normalise_host(host)).registrable


def normalise_host(value: str) -> str:
    """A host as users type it (`https://Www.Site.com/x`, `site.com.`) → `www.site.com`."""
    text = value.strip().lower()
    if "://" in text:
        text = text.split("://", 1)[1]
    text = text.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    text = text.rsplit("@", 1)[-1]
    if text.startswith("[") and "]" in text:
        return text[1 : text.index("]")]
    if text.count(":") == 1:
        text = text.split(":", 1)[0]
    return text.rstrip(".")


def is_ip(host: str) -> bool:
    """An IPv4/IPv6 literal? (A host name ends in a letter: its TLD; cheap test first.)"""
    if not host or (":" not in host and not host[-1].isdigit()):
        return False
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
