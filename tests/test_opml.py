"""OPML import/export through the core, REST and the CLI; bad documents get one clear error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from core.errors import InvalidInput
from core.models import Feed
from core.runtime import App
from core.services.opml import parse_opml
from tests.fakes.feeds import FeedServer
from tests.test_cli import _cli, _env
from tests.web_helpers import (  # noqa: F401 (fixtures)
    admin_fixture,
    alice_fixture,
    assert_error,
    client_fixture,
)

READER_EXPORT = """<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>My subscriptions</title></head>
  <body>
    <outline text="Crypto">
      <outline type="rss" text="Feed one" title="Feed one" xmlUrl="{one}" htmlUrl="https://a.example.invalid/"/>
      <outline type="rss" text="Feed two" xmlUrl="{two}"/>
    </outline>
    <outline type="rss" text="Feed one again" xmlUrl="{one}"/>
    <outline type="rss" text="Gopher" xmlUrl="gopher://old.example.invalid/feed"/>
    <outline text="just a folder"/>
  </body>
</opml>
"""


@pytest.mark.parametrize(
    ("document", "words"),
    [
        ("", "the OPML file is empty"),
        ("not xml at all", "not an OPML file: XML error"),
        ("<rss><channel/></rss>", "the root element is <rss>, not <opml>"),
        ('<opml version="2.0"><head/></opml>', "it has no <body>"),
        ('<opml version="2.0"><body><outline text="x"/></body></opml>', "lists no feeds"),
        (
            '<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaa">]><opml><body>'
            '<outline xmlUrl="https://x.example.invalid/&a;"/></body></opml>',
            "DOCTYPE or entity",
        ),
        ("<opml><body>" + "x" * (2 * 1024 * 1024) + "</body></opml>", "larger than 2 MiB"),
    ],
)
def test_bad_opml_is_refused_with_its_reason(document: str, words: str) -> None:
    with pytest.raises(InvalidInput) as err:
        parse_opml(document)
    assert words in err.value.message and err.value.field == "opml"


def test_nested_outlines_are_read_once_each() -> None:
    entries = parse_opml(
        READER_EXPORT.format(
            one="https://one.example.invalid/rss", two="https://two.example.invalid/atom"
        )
    )
    assert [(e.url, e.title) for e in entries] == [
        ("https://one.example.invalid/rss", "Feed one"),
        ("https://two.example.invalid/atom", "Feed two"),
        ("gopher://old.example.invalid/feed", "Gopher"),
    ]


async def test_rest_import_export_round_trip(
    app: App, client: TestClient[Any, Any], admin: Any, alice: Any
) -> None:
    server = FeedServer()
    await server.start()
    try:
        one, two = server.url("/one"), server.url("/two")
        await app.feeds.add(two)  # already a feed: skipped, not an error
        document = READER_EXPORT.format(one=one, two=two)
        resp = await client.post("/feeds/opml", json={"opml": document}, headers=alice.headers)
        assert resp.status == 403
        resp = await client.post("/feeds/opml", json={"opml": document}, headers=admin.headers)
        assert resp.status == 200, await resp.text()
        result = await resp.json()
        assert result["total"] == 3
        assert [a["url"] for a in result["added"]] == [one]
        assert result["added"][0]["name"] == "Feed one"
        reasons = {s["url"]: s["reason"] for s in result["skipped"]}
        assert reasons[two] == "already a feed"
        assert "gopher" in reasons["gopher://old.example.invalid/feed"]
        assert await Feed.filter(url=one).count() == 1

        resp = await client.get("/feeds/opml", headers=alice.headers)
        assert resp.status == 200
        assert resp.content_type == "text/x-opml"
        exported = await resp.text()
        assert {e.url for e in parse_opml(exported)} == {one, two}

        resp = await client.post("/feeds/opml", json={"opml": "<rss/>"}, headers=admin.headers)
        assert resp.status == 422
        body = await resp.json()
        assert_error(body, "invalid", "opml")
        assert "not <opml>" in body["error"]["message"]
    finally:
        await server.stop()


def test_cli_import_and_export(tmp_path: Path) -> None:
    env = _env(tmp_path, FETCH_ALLOW_PRIVATE_NETWORKS="true", DEFAULT_SOURCES="false")
    good = tmp_path / "feeds.opml"
    good.write_text(
        READER_EXPORT.format(one="http://127.0.0.1:9/one", two="http://127.0.0.1:9/two")
    )
    done = _cli("sources", "import", str(good), env=env)
    assert done.returncode == 0, done.stderr
    assert "2 feed(s) added, 1 skipped of 3" in done.stdout
    out = tmp_path / "out.opml"
    done = _cli("sources", "export", str(out), env=env)
    assert done.returncode == 0 and "wrote 2 feed(s)" in done.stdout
    assert {e.url for e in parse_opml(out.read_bytes())} == {
        "http://127.0.0.1:9/one",
        "http://127.0.0.1:9/two",
    }
    bad = tmp_path / "bad.opml"
    bad.write_text("<html>not opml</html>")
    done = _cli("sources", "import", str(bad), env=env)
    assert done.returncode != 0
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert lines == ["error: not an OPML file: the root element is <html>, not <opml>"]
    assert "Traceback" not in done.stderr
    missing = _cli("sources", "import", str(tmp_path / "nope.opml"), env=env)
    assert missing.returncode != 0 and "cannot read" in missing.stderr
