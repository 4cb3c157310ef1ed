"""A destination's state in words: active or stopped, why, and what fixes it.

One place says it, so `/settings` in the chat, the notice to its admins, the REST
`/destinations` list and the dashboard all tell the same story. A destination is stopped
when a send was refused for good (the dispatcher's `reject_destination`); subscribing it
again (`/subscribe` in the chat, or on the web) clears the stop and tries anew.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.models import DestinationKind

if TYPE_CHECKING:
    from core.models import Destination

# what a Discord bot needs in a channel to post an alert embed, in Discord's own words
DISCORD_POST_PERMISSIONS = ("View Channel", "Send Messages", "Embed Links")

ACTIVE = "active"
STOPPED = "stopped"


def destination_status(destination: Destination) -> str:
    return STOPPED if destination.rejected_reason else ACTIVE


def words(names: list[str] | tuple[str, ...]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def missing_permissions_text(missing: list[str], platform: str = "discord") -> str:
    """The refusal `/subscribe` gives in a chat the bot cannot post alerts in."""
    plural = "permission" if len(missing) == 1 else "permissions"
    if platform == "telegram":
        return (
            f"I can't post alerts in this group: I'm missing the {words(missing)} {plural} "
            "here. Fix: group settings → Permissions → Exceptions → TGE Monitor, allow "
            "sending messages (or make me an admin), then run /subscribe again."
        )
    return (
        f"I can't post alerts in this channel: I'm missing the {words(missing)} {plural} here. "
        f"Fix: Edit Channel → Permissions → add the TGE Monitor bot (or its role) and allow "
        f"{words(list(DISCORD_POST_PERMISSIONS))}, then run /subscribe again."
    )


def resume_fix(destination: Destination) -> str:
    """What the chat's admins do to get a stopped destination going again."""
    reason = (destination.rejected_reason or "").lower()
    kind = destination.kind
    again = "then run /subscribe in that chat again"
    if kind == DestinationKind.DISCORD:
        if "webhook" in reason or destination.address.startswith("http"):
            return "The webhook was deleted or is invalid: create a new one and add it again."
        if "404" in reason or "unknown channel" in reason:
            return (
                "The channel was deleted or the bot left the server: invite it and subscribe again."
            )
        return (
            f"Give the bot {words(list(DISCORD_POST_PERMISSIONS))} in that channel "
            f"(Edit Channel → Permissions), {again}."
        )
    if kind == DestinationKind.TELEGRAM:
        if "blocked" in reason:
            return f"Unblock the bot (open its chat and press Restart), {again}."
        if "rights" in reason or "administrator" in reason:
            return (
                "Allow the bot to send messages in that group "
                f"(group settings → Permissions), {again}."
            )
        if "deactivated" in reason:
            return "That chat no longer exists: subscribe another chat."
        return f"Add the bot to that chat again, {again}."
    if kind == DestinationKind.EMAIL:
        return "Check the address (or your mailbox's filters), then verify it again with /email."
    if kind == DestinationKind.WEBHOOK:
        return "Check that the URL still accepts POSTs, then subscribe it again."
    return "Fix the cause, then subscribe it again."


def status_line(destination: Destination) -> str:
    """`active`, or `stopped: <reason>` for /settings and the dashboard."""
    if not destination.rejected_reason:
        return ACTIVE
    return f"stopped: {destination.rejected_reason}"
