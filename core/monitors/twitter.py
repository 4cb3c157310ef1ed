"""X (Twitter) API v2: recent search or a user timeline, with since_id and pagination.

Plain aiohttp against TWITTER_API_BASE (operator-configured, so not the user-URL fetcher).
A feed's query is either a search (`"token generation event" -is:retweet`) or `user:<id>`
for a timeline. `since_id` only advances after every page of a poll was read, so a 429 in
the middle loses nothing: the next poll re-reads and dedup drops what was already stored.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime
from typing import Any

import aiohttp

from core.config import Settings
from core.models import Feed
from core.monitors.base import PollError, PollResult, RawItem

log = logging.getLogger(__name__)

MAX_PAGES = 5
PAGE_SIZE = 100


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


def tweet_to_item(tweet: dict[str, Any], users: dict[str, dict[str, Any]]) -> RawItem:
    tid = str(tweet.get("id", ""))
    user = users.get(str(tweet.get("author_id", "")), {})
    username = str(user.get("username") or "i")
    text = " ".join(str(tweet.get("text", "")).split())
    return RawItem(
        guid=f"x:{tid}",
        url=f"https://x.com/{username}/status/{tid}",
        title=text[:200],
        text=text,
        author=f"@{username}" if user else "",
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

    async def poll(self, feed: Feed) -> PollResult:
        if not self._token:
            raise PollError("TWITTER_BEARER_TOKEN is not set", permanent=True)
        query = (feed.query or "").strip()
        params = {
            "tweet.fields": "created_at,author_id,lang",
            "expansions": "author_id",
            "user.fields": "username,name",
            "max_results": str(PAGE_SIZE),
        }
        if query.startswith("user:"):
            path = f"/2/users/{query[5:].strip()}/tweets"
        else:
            path = "/2/tweets/search/recent"
            params["query"] = query
        state = dict(feed.state or {})
        if state.get("since_id"):
            params["since_id"] = str(state["since_id"])
        items: list[RawItem] = []
        newest: int | None = None
        complete = False
        retry_after: float | None = None
        for _page in range(self.max_pages):
            status, body, headers = await self._get(path, params)
            if status == 429:
                wait = _reset_wait(headers) or 60.0
                if not items:
                    raise PollError("X API rate limit (429)", retry_after=wait, status=429)
                retry_after = wait
                break
            if status in (401, 403, 404):
                raise PollError(f"X API refused the request (HTTP {status})", permanent=True)
            if status != 200 or not isinstance(body, dict):
                raise PollError(f"X API error (HTTP {status})", status=status)
            users = {
                str(u.get("id")): u
                for u in (body.get("includes") or {}).get("users") or []
                if isinstance(u, dict)
            }
            for tweet in body.get("data") or []:  # an empty page has no "data"
                if isinstance(tweet, dict) and str(tweet.get("id", "")).isdecimal():
                    items.append(tweet_to_item(tweet, users))
                    tid = int(tweet["id"])
                    newest = tid if newest is None or tid > newest else newest
            if headers.get("x-rate-limit-remaining") == "0":
                retry_after = _reset_wait(headers)
            token = (body.get("meta") or {}).get("next_token")
            if not token:
                complete = True
                break
            if retry_after:
                break
            params["pagination_token"] = str(token)
        if complete and newest is not None:
            state["since_id"] = str(newest)
        items.reverse()  # oldest first, like a feed read top to bottom
        return PollResult(items=items, state=state, retry_after=retry_after)
