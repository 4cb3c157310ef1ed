"""Users' votes on alerts (👍, 👎, "not a TGE"): recording, error rates, and labelled export.

A vote is a label, not a filter: recording one changes no score and no routing, so what one
user says never changes what another user receives. Votes reach the scorer only through
`tge-monitor feedback export` (the labelled corpus format, one row per voted alert) and an
admin's retrain (`tge-monitor train --data corpus.jsonl --data feedback.jsonl`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from tortoise.exceptions import IntegrityError

from core.db import transaction
from core.errors import InvalidInput
from core.models import Alert, AlertFeedback, Feed, Item, User

log = logging.getLogger(__name__)


class Vote(StrEnum):
    UP = "up"  # a useful alert: the item is a TGE
    DOWN = "down"  # a wrong or useless alert
    NOT_TGE = "not_tge"  # explicitly: the item does not announce a TGE


VOTE_WORDS = {
    "up": Vote.UP,
    "down": Vote.DOWN,
    "not_tge": Vote.NOT_TGE,
    "no": Vote.NOT_TGE,  # the chat buttons' short form (callback data is capped at 64 bytes)
}
TOAST = {
    Vote.UP: "Thanks: marked useful 👍",
    Vote.DOWN: "Thanks: marked not useful 👎",
    Vote.NOT_TGE: "Thanks: marked not a TGE 🚫",
}
WITHDRAWN = "Your vote is taken back"
# the vote buttons under an alert, in order: (vote, callback word, label)
VOTE_BUTTONS = (
    (Vote.UP, "up", "👍"),
    (Vote.DOWN, "down", "👎"),
    (Vote.NOT_TGE, "no", "🚫 Not a TGE"),
)
# The labelled corpus fields (core/data/eval/dev.jsonl), then provenance.
CORPUS_FIELDS = (
    "id",
    "title",
    "text",
    "source",
    "date",
    "is_tge",
    "company",
    "token_symbol",
    "borderline",
    "label_note",
)


def parse_vote(value: Any) -> Vote:
    """`True`/`False` (the older `useful` flag) or "up", "down", "not_tge"."""
    if isinstance(value, bool):
        return Vote.UP if value else Vote.DOWN
    if isinstance(value, str) and value.strip().lower() in VOTE_WORDS:
        return VOTE_WORDS[value.strip().lower()]
    raise InvalidInput("vote must be up, down or not_tge", field="vote")


def vote_of(row: AlertFeedback) -> Vote:
    if row.not_tge:
        return Vote.NOT_TGE
    return Vote.UP if row.useful else Vote.DOWN


async def record(alert: Alert, user: User, vote: Vote, *, toggle: bool = False) -> dict[str, Any]:
    """One vote per user per alert (a new vote replaces the old); counters are recounted.

    `toggle` (a button pressed again): the same vote as before takes it back instead, and
    the result's `vote` is None.
    """
    useful, not_tge = vote == Vote.UP, vote == Vote.NOT_TGE
    withdrawn = False
    async with transaction() as conn:
        mine = AlertFeedback.filter(alert_id=alert.id, user_id=user.id).using_db(conn)
        previous = await mine.first()
        if toggle and previous is not None and vote_of(previous) == vote:
            await mine.delete()
            withdrawn = True
        elif not await mine.update(useful=useful, not_tge=not_tge):
            try:
                await AlertFeedback.create(
                    alert_id=alert.id,
                    user_id=user.id,
                    useful=useful,
                    not_tge=not_tge,
                    using_db=conn,
                )
            except IntegrityError:  # the same user's concurrent vote won the insert
                await mine.update(useful=useful, not_tge=not_tge)
        votes = AlertFeedback.filter(alert_id=alert.id).using_db(conn)
        up = await votes.filter(useful=True).count()
        down = await votes.filter(useful=False).count()  # 👎 and "not a TGE"
        no = await votes.filter(not_tge=True).count()
        await (
            Alert.filter(id=alert.id)
            .using_db(conn)
            .update(feedback_up=up, feedback_down=down, feedback_not_tge=no)
        )
    return {
        "alert_id": alert.id,
        "vote": None if withdrawn else vote.value,
        "useful": None if withdrawn else useful,
        "up": up,
        "down": down,
        "not_tge": no,
    }


def vote_buttons(
    alert_id: int, tally: dict[str, Any] | None = None, mine: Vote | None = None
) -> list[tuple[str, str]]:
    """(label, callback data) of the vote buttons: the tally on each, ✓ on the caller's own
    vote (shown only where one person sees the message: a DM or an ephemeral view)."""
    tally = tally or {}
    counts = {
        Vote.UP: int(tally.get("up") or 0),
        Vote.DOWN: int(tally.get("down") or 0) - int(tally.get("not_tge") or 0),
        Vote.NOT_TGE: int(tally.get("not_tge") or 0),
    }
    out = []
    for vote, word, label in VOTE_BUTTONS:
        text = f"{label} {counts[vote]}" if counts[vote] > 0 else label
        out.append((("✓ " if vote == mine else "") + text, f"fb:{alert_id}:{word}"))
    return out


# --- how often users said an alert was wrong ------------------------------------------------


@dataclass
class _Tally:
    alerts: set[int]
    votes: int = 0
    wrong: int = 0
    not_tge: int = 0

    def to_json(self, key: str) -> dict[str, Any]:
        return {
            "name": key,
            "alerts": len(self.alerts),
            "votes": self.votes,
            "wrong": self.wrong,
            "not_tge": self.not_tge,
            "wrong_rate": round(self.wrong / self.votes, 4) if self.votes else None,
        }


def _company_names(analysis: dict[str, Any]) -> list[str]:
    """The alert's companies, or its discovered project ("new: X") when it named none."""
    names = [str(c["name"]) for c in analysis.get("companies") or () if c.get("name")]
    if names:
        return names
    found = analysis.get("discovered") or {}
    label = found.get("name") or (f"${found['ticker']}" if found.get("ticker") else "")
    return [f"new: {label}"] if label else ["(no company)"]


async def stats(limit: int = 50) -> dict[str, Any]:
    """Per source and per company: alerts voted on, votes, votes saying wrong (👎 or not a
    TGE) and the share of wrong votes, worst first."""
    rows = await AlertFeedback.all().values("alert_id", "useful", "not_tge")
    ids = {r["alert_id"] for r in rows}
    alerts = {
        a["id"]: a for a in await Alert.filter(id__in=ids).values("id", "source", "analysis") if ids
    }
    by_source: dict[str, _Tally] = {}
    by_company: dict[str, _Tally] = {}
    total = _Tally(set())
    for r in rows:
        alert = alerts.get(r["alert_id"])
        if alert is None:
            continue
        wrong = not r["useful"]
        keys = (
            (by_source, [alert["source"] or "(unknown)"]),
            (by_company, _company_names(alert["analysis"] or {})),
            (None, [""]),
        )
        for table, names in keys:
            for name in names:
                tally = total if table is None else table.setdefault(name, _Tally(set()))
                tally.alerts.add(r["alert_id"])
                tally.votes += 1
                tally.wrong += int(wrong)
                tally.not_tge += int(bool(r["not_tge"]))

    def ranked(table: dict[str, _Tally]) -> list[dict[str, Any]]:
        out = [t.to_json(k) for k, t in table.items()]
        out.sort(key=lambda d: (-(d["wrong_rate"] or 0), -d["votes"], d["name"].lower()))
        return out[:limit]

    summary = total.to_json("all")
    summary.pop("name")
    return {"total": summary, "by_source": ranked(by_source), "by_company": ranked(by_company)}


# --- export in the labelled corpus format ---------------------------------------------------


def label_from_votes(up: int, down: int, not_tge: int) -> tuple[bool, bool] | None:
    """(is_tge, borderline) from one alert's votes, or None when they cancel out.

    👍 says TGE; "not a TGE" says not; 👎 says the alert was wrong, which for a labelled
    example means not a TGE too, but it may only mean "not for me": a label resting on 👎
    alone, or on split votes, is marked borderline.
    """
    yes, no = up, down
    if yes == no:
        return None
    is_tge = yes > no
    borderline = bool(yes and no) or (not is_tge and not not_tge)
    return is_tge, borderline


async def export_rows() -> tuple[list[dict[str, Any]], int]:
    """One corpus row per alert with votes, oldest first; returns (rows, alerts skipped
    because their votes cancel out)."""
    rows = await AlertFeedback.all().values("alert_id", "useful", "not_tge")
    votes: dict[int, list[int]] = {}
    for r in rows:
        v = votes.setdefault(r["alert_id"], [0, 0, 0])
        v[0 if r["useful"] else 1] += 1
        v[2] += int(bool(r["not_tge"]))
    alerts = await Alert.filter(id__in=list(votes)).order_by("id") if votes else []
    items = {i.id: i for i in await Item.filter(id__in=[a.item_id for a in alerts if a.item_id])}
    feeds = {f.id: f for f in await Feed.filter(id__in={i.feed_id for i in items.values()})}
    out: list[dict[str, Any]] = []
    skipped = 0
    for alert in alerts:
        up, down, no = votes[alert.id]
        label = label_from_votes(up, down, no)
        if label is None:
            skipped += 1
            continue
        item = items.get(alert.item_id) if alert.item_id else None
        feed = feeds.get(item.feed_id) if item is not None and item.feed_id else None
        out.append(_row(alert, item, feed, label, (up, down, no)))
    return out, skipped


def _row(
    alert: Alert,
    item: Item | None,
    feed: Feed | None,
    label: tuple[bool, bool],
    counts: tuple[int, int, int],
) -> dict[str, Any]:
    analysis = alert.analysis or {}
    companies = [c.get("name") for c in analysis.get("companies") or () if c.get("name")]
    found = analysis.get("discovered") or {}
    tokens = list(analysis.get("tokens") or ())
    when = (item.published_at if item is not None else None) or alert.created_at
    up, down, no = counts
    is_tge, borderline = label
    return {
        "id": f"feedback-alert-{alert.id}",
        "title": alert.title or "",
        "text": (item.text if item is not None else "") or "",
        "source": alert.source or "",
        "date": when.date().isoformat() if when else None,
        "is_tge": is_tge,
        "company": companies[0] if companies else (found.get("name") or None),
        "token_symbol": (found.get("ticker") if not companies else None)
        or (tokens[0] if tokens else None),
        "borderline": borderline,
        "label_note": (
            f"users' votes on alert {alert.id}: {up} useful, {down - no} not useful, "
            f"{no} not a TGE (scored {float(alert.confidence):.2f})"
        ),
        "url": (item.url if item is not None else "") or alert.url or "",
        "feed": (feed.url or feed.query or feed.name) if feed is not None else "",
        "feed_name": feed.name if feed is not None else "",
        "alert_id": alert.id,
        "votes": {"up": up, "down": down - no, "not_tge": no},
    }


def write_jsonl(rows: Iterable[dict[str, Any]], path: Path | None) -> str:
    """JSON Lines, one row a line, UTF-8 kept readable; to `path`, or returned as text."""
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)  # a reader never sees half a file
    return text
