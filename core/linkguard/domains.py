"""Host names → registrable domains (eTLD+1) with the Public Suffix List, offline.

`tldextract` carries a PSL snapshot inside its wheel; constructed with no suffix-list URLs and
no cache directory it never touches the network or the disk, so start-up and tests stay
offline and a change of the live list cannot change a verdict between two runs. Private PSL
entries (vercel.app, github.io, pages.dev, ...) count as suffixes: `claim.vercel.app` and
`layerzero.vercel.app` are two different sites, not two pages of vercel.app.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from functools import lru_cache

import tldextract

_EXTRACT = tldextract.TLDExtract(
    cache_dir=None,  # no cache file: nothing written at run time
    suffix_list_urls=(),  # no fetch: the snapshot bundled with the package
    fallback_to_snapshot=True,
    include_psl_private_domains=True,
)


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


@lru_cache(maxsize=65_536)
def split_host(host: str) -> HostParts:
    """Split an ASCII (punycode) host name; cached because hosts repeat across alerts."""
    result = _EXTRACT.extract_str(host)
    return HostParts(
        host=host,
        subdomain=result.subdomain,
        label=result.domain,
        suffix=result.suffix,
        private_suffix=bool(result.is_private),
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
