"""Property-based: every registered command, any argument string, any caller → a clear reply.

Bad input must get a reply saying what was wrong (with the usage line), never the generic
apology (an unhandled exception inside a handler) and never an exception out of `execute`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from core.commands import CommandContext, Reply, default_registry, execute
from core.commands.registry import APOLOGY
from core.models import Feed, Platform, Role
from core.runtime import App
from tests.conftest import make_settings, needs_postgres
from tests.fakes.resolver import StubResolver
from tests.fakes.threaded_app import ThreadedApp

COMMANDS = default_registry().names()


class Live(ThreadedApp):
    """The App with a seeded company and feed, driven synchronously by hypothesis."""

    def __init__(self, tmp: Path) -> None:
        # private networks refused, so private URLs take the refusal path
        super().__init__(make_settings(tmp, FETCH_ALLOW_PRIVATE_NETWORKS="false"))
        # a public-looking answer, so URLs pass the address policy; nothing may connect to it
        self.app.fetcher._inner_resolver = StubResolver("93.184.215.14")
        self.app.fetcher._socket_factory = self._no_connection  # type: ignore[method-assign]
        self.start()

    @staticmethod
    def _no_connection(addr_info: tuple[Any, ...]) -> Any:
        raise OSError("the command fuzzer makes no outbound connections")

    async def setup(self) -> None:
        await self.seed()

    async def seed(self) -> None:
        """A company and a feed, so lookups hit both the found and the not-found paths."""
        if await self.app.companies.list(search="Monad") == []:
            await self.app.companies.create(
                "Monad Labs", tokens=["MON"], aliases=["monad"], priority="HIGH"
            )
        if not await Feed.filter(id=1).exists():
            await Feed.create(id=1, kind="rss", url="https://news.example.com/rss.xml")

    async def ctx(self, *, admin: bool, group: bool, user_id: int) -> CommandContext:
        user = await self.app.accounts.ensure_identity(Platform.TELEGRAM, user_id, f"fuzz{user_id}")
        wanted = Role.ADMIN if admin else Role.USER
        if user.role != wanted:
            user.role = wanted
            await user.save()
        return CommandContext(
            app=self.app,
            user=user,
            platform=Platform.TELEGRAM,
            chat_id=str(-1000 - user_id if group else user_id),
            chat_name="fuzz chat",
            is_group=group,
            is_chat_admin=admin,
        )

    async def call(self, name: str, args: str, *, admin: bool, group: bool) -> Reply:
        await self.seed()
        ctx = await self.ctx(admin=admin, group=group, user_id=2 if admin else 1)
        return await execute(self.app, name, args, ctx)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    server = Live(tmp_path_factory.mktemp("fuzz_commands"))
    try:
        yield server
    finally:
        server.close()


SPECIAL = [
    "",
    '""',
    "''",
    '"unbalanced',
    "it's",
    "@tge_bot",
    "$MON",
    "$",
    "MON",
    "Monad",
    "monad labs",
    '"Monad Labs"',
    "#1",
    "1",
    "0",
    "-1",
    "1e400",
    "-1e400",
    "1e-400",
    "nan",
    "NaN%",
    "inf",
    "-inf",
    "80%",
    "%",
    "150",
    "0.5",
    "2.5",
    "99999999999999999999999999",
    "-99999999999999999999999999",
    "9223372036854775808",
    "١٢٣",
    "²",
    "n=4",
    "n=",
    "company=",
    "min_confidence=0.7",
    "verify",
    "create",
    "list",
    "revoke",
    "instant",
    "digest",
    "hourly",
    "daily",
    "rss",
    "page",
    "twitter",
    "high",
    "a,b,,c",
    ",",
    "me@example.com",
    "http://127.0.0.1/rss",
    "http://localhost:8080/x",
    "http://10.0.0.1/",
    "http://[::1]/",
    "http://0x7f.1/",
    "http://2130706433/",
    "http://169.254.169.254/latest/meta-data",
    "http://feeds.internal/rss",
    "https://nowhere.invalid/rss",
    "https://news.example.com/rss.xml",
    "https://user:pw@example.com/",
    "https://example.com:99999/",
    "https://exa mple.com/",
    "http://[::ffff:127.0.0.1]/",
    "file:///etc/passwd",
    "javascript:alert(1)",
    "user:123",
    "fb:1:up",
    "\x00",
    "\u202e",
    "🚀",
    "x" * 300,
    "y" * 3000,
]

tokens = st.one_of(
    st.sampled_from(SPECIAL),
    st.text(max_size=40),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.from_regex(r"https?://[a-z0-9.\-\[\]:@%]{0,30}(/[^\s]{0,20})?", fullmatch=True),
)
arguments = st.one_of(
    st.lists(tokens, max_size=5).map(" ".join),
    st.text(max_size=200),
)
names = st.one_of(
    st.sampled_from(COMMANDS),
    st.sampled_from(COMMANDS).map(lambda n: f"/{n}@tge_bot"),
    st.sampled_from(COMMANDS).map(str.upper),
)


def assert_clear(reply: Reply, name: str, args: str) -> None:
    assert isinstance(reply, Reply)
    assert reply.text != APOLOGY, (name, args)
    assert not (reply.error and reply.error.get("code") == "internal"), (name, args)
    if not reply.ok:
        assert reply.text.strip(), (name, args)
        if reply.error and reply.error["code"] == "invalid":
            assert "Example: /" in reply.text, (name, args, reply.text)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(name=names, args=arguments, admin=st.booleans(), group=st.booleans())
@example(name="feed_remove", args="99999999999999999999999999", admin=True, group=False)
@example(name="feed_remove", args="9223372036854775808", admin=True, group=False)
@example(name="watch", args="99999999999999999999999999", admin=False, group=False)
@example(name="company_remove", args="99999999999999999999999999", admin=True, group=False)
@example(name="unwatch", args="١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦٧٨٩٠", admin=False, group=False)
@example(name="feed_add", args="http://feeds.internal/rss", admin=True, group=False)
@example(name="feed_add", args="https://nowhere.invalid/rss page", admin=True, group=False)
@example(name="feed_add", args="https://example.com:99999/", admin=True, group=False)
@example(name="alerts", args="MON nan 3", admin=False, group=True)
@example(name="subscribe", args="0.5 " + ",".join(["x"] * 60), admin=True, group=True)
@example(name="apikey", args="create " + "k" * 300, admin=False, group=False)
@example(name="apikey", args="revoke \x00", admin=False, group=False)
@example(name="email", args="verify 123456", admin=False, group=False)
@example(name="link", args="🚀", admin=False, group=False)
@example(name="company_add", args='"" $ ,', admin=True, group=False)
@example(name="company_alias", args="Monad " + "a" * 300, admin=True, group=False)
@example(name="help", args="/", admin=False, group=False)
def test_any_arguments_get_a_clear_reply(
    live: Live, name: str, args: str, admin: bool, group: bool
) -> None:
    reply = live.run(live.call(name, args, admin=admin, group=group))
    assert_clear(reply, name, args)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(name=st.sampled_from(COMMANDS), values=st.lists(tokens, max_size=4))
def test_token_lists_get_a_clear_reply(live: Live, name: str, values: list[str]) -> None:
    """Discord and REST pass tokens (not one string): same rule."""
    for admin in (False, True):
        reply = live.run(live.call(name, values, admin=admin, group=False))  # type: ignore[arg-type]
        assert_clear(reply, name, repr(values))


@needs_postgres
async def test_nul_characters_are_refused_before_postgresql_sees_them(pg_app: App) -> None:
    """PostgreSQL text cannot hold NUL: these were the apology on PostgreSQL (fine on SQLite)."""
    user = await pg_app.accounts.ensure_identity(Platform.TELEGRAM, 5, "nul")
    user.role = Role.ADMIN
    await user.save()
    ctx = CommandContext(app=pg_app, user=user, platform=Platform.TELEGRAM, chat_id="5")
    for name, args in [
        ("company_add", "a\x00b"),
        ("watch", "a\x00b"),
        ("apikey", "create a\x00b"),
        ("feed_add", "x\x00y twitter"),
        ("alerts", "a\x00b"),
        ("subscribe", "Monad,a\x00b"),
    ]:
        reply = await execute(pg_app, name, args, ctx)
        assert not reply.ok and "must not contain NUL" in reply.text, (name, reply.text)
        assert "Example: /" in reply.text
    reply = await execute(pg_app, "watch", ["a\x00b"], ctx)  # tokens (Discord, REST)
    assert "must not contain NUL" in reply.text
