"""X (Twitter) API v2: a user's timeline or a recent search, with since_id and pagination.

Plain aiohttp against TWITTER_API_BASE (operator-configured, so not the user-URL fetcher).
A feed's query is `user:<handle or id>` (a timeline; the handle is resolved once through
`GET /2/users/by/username/:username` and the id kept in the feed's state) or `search:<query>`;
older feeds stored a bare query, which still means a search.

What users read is the post as written: the full text of long posts (`note_tweet`), t.co links
replaced by their `expanded_url`, HTML entities unescaped, quotes with the quoted post, and
retweets either skipped (default) or credited to the original author (`retweets: attribute`
in the feed's state). since_id comes from the first page's `meta.newest_id`, so a poll that
stops at the page cap still moves forward; only a 429 in the middle leaves it where it was
(the next poll re-reads and dedup drops what was already stored).
"""

from __future__ import annotations

import html
import logging
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

import aiohttp

from core.config import Settings
from core.models import Feed
from core.monitors.base import PollError, PollResult, RawItem
from core.xhandles import HANDLE, x_handle

log = logging.getLogger(__name__)

MAX_PAGES = 5
PAGE_SIZE = 100
TWEET_FIELDS = "created_at,author_id,lang,note_tweet,entities,referenced_tweets,attachments"
EXPANSIONS = "author_id,referenced_tweets.id,referenced_tweets.id.author_id"
RETWEET_POLICIES = ("skip", "attribute")


@dataclass(frozen=True)
class XSource:
    """What an X feed reads: a user's timeline (handle and/or id) or a recent search."""

    kind: str  # "user" or "search"
    value: str  # handle or numeric id for "user", the query for "search"

    @property
    def query(self) -> str:
        return f"{self.kind}:{self.value}"


def parse_x_source(text: str, *, bare_is_handle: bool = True) -> XSource | None:
    """Every accepted way of naming an X account, or `search:<query>`; None if neither.

    `@binance`, `binance`, `user:binance`, `user:@binance`, `x.com/binance`,
    `https://twitter.com/binance/status/1` mean the timeline of @binance; `user:877807935493033984`
    a timeline by id; `search:airdrop -is:retweet` a recent search.
    """
    raw = (text or "").strip()
    lowered = raw.lower()
    if lowered.startswith("search:"):
        query = raw[7:].strip()
        return XSource("search", query) if query else None
    if lowered.startswith("user:"):
        name = raw[5:].strip().lstrip("@")
        if name.isdecimal() and len(name) <= 20:
            return XSource("user", name)
        return XSource("user", name.lower()) if HANDLE.match(name) else None
    name = x_handle(raw, bare_is_handle=bare_is_handle)
    return XSource("user", name.lower()) if name else None


def looks_like_x(text: str) -> bool:
    """Input that can only mean X (used to pick the feed kind when none was given)."""
    raw = (text or "").strip().lower()
    if raw.startswith(("@", "user:", "search:")):
        return True
    return parse_x_source(raw, bare_is_handle=False) is not None


def _reset_wait(headers: Any, now: float | None = None) -> float | None:
    reset = headers.get("x-rate-limit-reset")
    if not reset or not str(reset).strip().isdecimal():
        return None
    return max(1.0, float(reset) - (now or time.time()))


def _created(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _explain(body: Any) -> str:
    """X's own words from an error body: problem `detail`/`title`, else the first error."""
    if not isinstance(body, dict):
        return ""
    parts: list[str] = []
    errors = [e for e in body.get("errors") or [] if isinstance(e, dict)]
    for key in ("detail", "title"):
        if isinstance(body.get(key), str) and body[key].strip():
            parts.append(body[key].strip())
            break
    for err in errors[:2]:
        text = err.get("message") or err.get("detail") or err.get("title")
        if isinstance(text, str) and text.strip() and text.strip() not in parts:
            parts.append(text.strip())
    return " ".join(parts)[:400]


def classify_response(status: int, body: Any, headers: Any, *, what: str) -> PollError | None:
    """None when the body carries posts (or an honest empty page); else the failure, in words.

    Auth and plan problems (401, 403, 402, a usage cap) need the admin: `needs_admin` disables
    the feed at once with X's explanation. A 400 names what X refused (`what`); a 200 with
    only `errors` is a failure, not an empty success.
    """
    title = str(body.get("title") or "") if isinstance(body, dict) else ""
    kind = str(body.get("type") or "") if isinstance(body, dict) else ""
    said = _explain(body)
    if status == 200 and isinstance(body, dict):
        if body.get("data") is None and body.get("errors"):
            return PollError(f"X API answered with errors only for {what}: {said}", permanent=True)
        return None
    if status == 429 and (title == "UsageCapExceeded" or kind.endswith("/usage-capped")):
        return PollError(
            f"X API usage cap reached (UsageCapExceeded): {said or 'monthly cap'}; the plan's "
            "cap must be raised or the month must end, then re-enable the feed",
            permanent=True,
            needs_admin=True,
            status=429,
        )
    if status == 429:
        wait = _reset_wait(headers) or 60.0
        return PollError("X API rate limit (429)", retry_after=wait, status=429)
    if status in (401, 402, 403):
        label = {401: "rejected the bearer token", 402: "has no credits left", 403: "refused"}
        fix = {
            401: "set a valid TWITTER_BEARER_TOKEN",
            402: "add credits to the X developer account",
            403: "fix the app's access in the X developer portal",
        }
        return PollError(
            f"X API {label[status]} (HTTP {status}{', ' + title if title else ''}): "
            f"{said or 'no explanation given'}; {fix[status]}, then re-enable the feed",
            permanent=True,
            needs_admin=True,
            status=status,
        )
    if status == 400:
        return PollError(
            f"X API refused {what} (HTTP 400): {said}; change it, then re-enable the feed",
            permanent=True,
            needs_admin=True,
            status=400,
        )
    if status == 404:
        return PollError(f"X API: {what} not found (HTTP 404) {said}".strip(), permanent=True)
    if status != 200 or not isinstance(body, dict):
        return PollError(f"X API error (HTTP {status}) {said}".strip(), status=status)
    return None


def _expand_links(text: str, entities: Any) -> str:
    """t.co links become the address they stand for; a media link (pic.x.com) is dropped."""
    urls = entities.get("urls") if isinstance(entities, dict) else None
    for u in urls or []:
        if not isinstance(u, dict) or not isinstance(u.get("url"), str):
            continue
        if u.get("media_key") or str(u.get("display_url", "")).startswith("pic."):
            target = ""
        else:
            target = str(u.get("unwound_url") or u.get("expanded_url") or u["url"])
        text = text.replace(u["url"], target)
    return text


def post_text(tweet: dict[str, Any]) -> str:
    """The post as its author wrote it: full long-form text, real links, entities unescaped."""
    note = tweet.get("note_tweet")
    if isinstance(note, dict) and isinstance(note.get("text"), str) and note["text"].strip():
        text = _expand_links(note["text"], note.get("entities") or tweet.get("entities"))
    else:
        text = _expand_links(str(tweet.get("text", "")), tweet.get("entities"))
    return " ".join(html.unescape(text).split())


def _title(text: str, limit: int = 200) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return (cut or text[:limit]) + "…"


class _Page:
    """One response's posts with what `includes` says about them."""

    def __init__(self, body: dict[str, Any]) -> None:
        includes = body.get("includes") or {}
        self.users = {
            str(u.get("id")): u for u in includes.get("users") or [] if isinstance(u, dict)
        }
        self.tweets = {
            str(t.get("id")): t for t in includes.get("tweets") or [] if isinstance(t, dict)
        }

    def handle(self, tweet: dict[str, Any]) -> str:
        user = self.users.get(str(tweet.get("author_id", "")), {})
        return str(user.get("username") or "")

    def item(self, tweet: dict[str, Any], retweets: str) -> RawItem | None:
        refs = {
            str(r.get("type")): str(r.get("id"))
            for r in tweet.get("referenced_tweets") or []
            if isinstance(r, dict)
        }
        if "retweeted" in refs:
            if retweets != "attribute":
                return None
            original = self.tweets.get(refs["retweeted"])
            if original is None:  # X left it out (deleted or protected): nothing to credit
                return None
            return self.item(original, retweets)
        tid = str(tweet.get("id", ""))
        username = self.handle(tweet)
        text = post_text(tweet)
        quoted = self.tweets.get(refs.get("quoted", ""))
        if quoted is not None:
            by = self.handle(quoted)
            text = f"{text}\n\nQuoting {'@' + by if by else 'a post'}: {post_text(quoted)}"
        return RawItem(
            guid=f"x:{tid}",
            url=f"https://x.com/{username or 'i'}/status/{tid}",
            title=_title(text.split("\n\n", 1)[0]),
            text=text,
            author=f"@{username}" if username else "",
            published=_created(tweet.get("created_at")),
        ).clipped()


class TwitterMonitor:
    """One aiohttp session against the configured API base; bearer token from settings."""

    kind = "twitter"

    def __init__(self, settings: Settings, *, max_pages: int = MAX_PAGES) -> None:
        self.base = settings.twitter_api_base.rstrip("/")
        self._token = settings.twitter_bearer_token
        self.timeout_s = settings.fetch_timeout_s
        self.max_pages = max_pages
        self._session: aiohttp.ClientSession | None = None

    @property
    def configured(self) -> bool:
        return bool(self._token)

    async def _get(self, path: str, params: dict[str, str]) -> tuple[int, Any, Any]:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self.timeout_s), trust_env=False
            )
        headers = {"Authorization": f"Bearer {self._token}", "User-Agent": "TGE-Monitor/0.1"}
        try:
            async with self._session.get(self.base + path, params=params, headers=headers) as r:
                try:
                    body = await r.json(content_type=None)
                except ValueError:
                    body = None
                return r.status, body, r.headers
        except TimeoutError:
            raise PollError(f"X API timed out after {self.timeout_s:g}s") from None
        except aiohttp.ClientError as exc:
            raise PollError(f"X API unreachable: {exc.__class__.__name__}") from None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def resolve(self, handle: str) -> tuple[str, str]:
        """@handle -> (numeric id, username as X spells it); PollError if X says no."""
        if not self._token:
            raise PollError("TWITTER_BEARER_TOKEN is not set", permanent=True)
        status, body, headers = await self._get(
            f"/2/users/by/username/{quote(handle, safe='')}", {"user.fields": "username,name"}
        )
        problem = classify_response(status, body, headers, what=f"the account @{handle}")
        if problem is not None:
            raise problem
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, dict) or not str(data.get("id", "")).isdecimal():
            raise PollError(f"X API gave no id for @{handle}", permanent=True)
        return str(data["id"]), str(data.get("username") or handle)

    async def poll(self, feed: Feed) -> PollResult:
        if not self._token:
            raise PollError("TWITTER_BEARER_TOKEN is not set", permanent=True)
        state = dict(feed.state or {})
        source = parse_x_source(feed.query or "", bare_is_handle=False) or XSource(
            "search",
            (feed.query or "").strip(),  # feeds stored before `search:` existed
        )
        params = {
            "tweet.fields": TWEET_FIELDS,
            "expansions": EXPANSIONS,
            "user.fields": "username,name",
            "max_results": str(PAGE_SIZE),
        }
        if source.kind == "user":
            user_id = str(state.get("user_id") or "")
            if not user_id:
                if source.value.isdecimal():
                    user_id = source.value
                else:
                    user_id, username = await self.resolve(source.value)
                    state.update(user_id=user_id, username=username)
            path = f"/2/users/{user_id}/tweets"
            who = f"@{state['username']}" if state.get("username") else user_id
            what = f"the timeline of {who}"
        else:
            path = "/2/tweets/search/recent"
            params["query"] = source.value
            what = f"the search query {source.value!r}"
        if state.get("since_id"):
            params["since_id"] = str(state["since_id"])
        retweets = str(state.get("retweets") or "skip")
        items: list[RawItem] = []
        newest: str | None = None
        retry_after: float | None = None
        for page_no in range(self.max_pages):
            status, body, headers = await self._get(path, params)
            problem = classify_response(status, body, headers, what=what)
            if problem is not None:
                if problem.retry_after is not None and page_no:
                    retry_after = problem.retry_after  # keep what we read; since_id stays
                    newest = None
                    break
                raise problem
            page = _Page(body)
            meta = body.get("meta") or {}
            ids = [
                str(t["id"])
                for t in body.get("data") or []  # an empty page has no "data"
                if isinstance(t, dict) and str(t.get("id", "")).isdecimal()
            ]
            if page_no == 0:
                first = str(meta.get("newest_id") or "")
                newest = first if first.isdecimal() else max(ids, key=int, default=None)
            for tweet in body.get("data") or []:
                if isinstance(tweet, dict) and str(tweet.get("id", "")).isdecimal():
                    item = page.item(tweet, retweets)
                    if item is not None:
                        items.append(item)
            if headers.get("x-rate-limit-remaining") == "0":
                retry_after = _reset_wait(headers)
            token = meta.get("next_token")
            if not token or retry_after:
                break
            params["pagination_token"] = str(token)
        if newest is not None:
            state["since_id"] = newest
        items.reverse()  # oldest first, like a feed read top to bottom
        return PollResult(items=items, state=state, retry_after=retry_after)
