"""The link guard's Public Suffix List split is tldextract's, without importing tldextract.

`core.linkguard.domains` reads tldextract's bundled snapshot into a flat table (tldextract
and its requests/urllib3 imports cost a `run` process ~16 MB). These tests compare the two
on hosts built from every rule of the list, in ASCII and punycode, and on odd input, and
check that using the guard does not import tldextract.
"""

from __future__ import annotations

import subprocess
import sys

import idna
import pytest
import tldextract

from core.linkguard.domains import _RULE_RE, psl_snapshot, split_host

REFERENCE = tldextract.TLDExtract(
    cache_dir=None, suffix_list_urls=(), fallback_to_snapshot=True, include_psl_private_domains=True
)


def _rules() -> list[str]:
    return [m.group("suffix") for m in _RULE_RE.finditer(psl_snapshot().read_text("utf-8"))]


def _hosts_for(rule: str) -> list[str]:
    """The rule's own name and names under it, as written and in punycode."""
    base = rule.lstrip("!").replace("*", "w")
    names = [base, f"site.{base}", f"a.site.{base}", f"Site.{base.upper()}"]
    if rule.startswith("!"):
        names.append(base.split(".", 1)[1])
    if not base.isascii():
        try:
            names += [idna.encode(n, uts46=True).decode("ascii") for n in names[:3]]
        except idna.IDNAError:
            pass
    return names


ODD = [
    "",
    ".",
    "localhost",
    "com",
    "example.com.",
    "a..example.com",
    ".example.com",
    "1.2.3.4",
    "256.1.2.3",
    "1.2.3.4.5",
    "01.2.3.4",
    "[::1]",
    "[::1",
    "[not-ipv6]",
    "ck",
    "www.ck",
    "foo.ck",
    "a.foo.ck",
    "www.www.ck",
    "xn--invalid-.com",
    "xn--.com",
    "xn--p1ai",
    "site.xn--p1ai",
    "xn--e1afmkfd.xn--p1ai",
    "site.xn--fiqs8s",
    "user@site.example.com",
    "site.example.com:8443",
    "http://site.example.com/path",
    "//site.example.com",
    "a//b.example.com",
    "h ttp://site.com",
    "site.co.uk",
    "www.bbc.co.uk",
    "claim.vercel.app",
    "vercel.app",
    "foo.blogspot.com",
    "a.b.c.d.e.f.github.io",
    "layerzero.network",
    "kawasaki.jp",
    "city.kawasaki.jp",
    "x.city.kawasaki.jp",
    "site。example。com",
    "site．example．com",
    "site｡example｡com",
    "*.ck",
    "!www.ck",
    "a.*.jp",
    "UPPER.CASE.COM",
]


def _reference(host: str) -> tuple[str, str, str, bool]:
    result = REFERENCE.extract_str(host)
    return result.subdomain, result.domain, result.suffix, bool(result.is_private)


def _ours(host: str) -> tuple[str, str, str, bool]:
    parts = split_host(host)
    return parts.subdomain, parts.label, parts.suffix, parts.private_suffix


def test_every_rule_of_the_list_splits_as_tldextract_does() -> None:
    rules = _rules()
    assert len(rules) > 9000  # the whole list, public and private sections
    differ = []
    checked = 0
    for rule in rules:
        for host in _hosts_for(rule):
            checked += 1
            if _ours(host) != _reference(host):
                differ.append((host, _ours(host), _reference(host)))
    assert checked > 40_000
    assert not differ, differ[:20]


@pytest.mark.parametrize("host", ODD)
def test_odd_hosts_split_as_tldextract_does(host: str) -> None:
    assert _ours(host) == _reference(host)


def test_private_suffixes_are_sites_of_their_own() -> None:
    parts = split_host("claim.vercel.app")
    assert (parts.label, parts.suffix, parts.private_suffix) == ("claim", "vercel.app", True)
    assert split_host("layerzero.vercel.app").registrable == "layerzero.vercel.app"
    assert split_host("www.bbc.co.uk").registrable == "bbc.co.uk"


def test_checking_links_does_not_import_tldextract() -> None:
    code = (
        "import sys\n"
        "from core.linkguard import GuardCompany, LinkGuard\n"
        "guard = LinkGuard([GuardCompany('LayerZero', ('layerzero.network',))])\n"
        "assert guard.check('https://layerzero-claim.xyz/x').suspicious\n"
        "print(sorted(m for m in ('tldextract', 'requests', 'urllib3') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
