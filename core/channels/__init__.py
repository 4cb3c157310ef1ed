"""Alert channels: one small interface (`Channel.send -> Outcome`), one module per service.

Email and webhook live here; Telegram and Discord live with the rest of their platform in
`bot/` and are registered by the composition root.
"""

from core.channels.base import Channel, Message, Notice, Outcome, OutcomeKind
from core.channels.registry import ChannelRegistry

__all__ = ["Channel", "ChannelRegistry", "Message", "Notice", "Outcome", "OutcomeKind"]
