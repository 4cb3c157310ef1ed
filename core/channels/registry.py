"""Which channel sends to which destination kind; filled by the runtime and the CLI."""

from __future__ import annotations

import logging

from core.channels.base import Channel

log = logging.getLogger(__name__)


class ChannelRegistry:
    """Channels by destination kind; started lazily, closed with the app."""

    def __init__(self) -> None:
        self._channels: dict[str, Channel] = {}
        self._started: set[str] = set()

    def register(self, channel: Channel) -> None:
        """Add (or replace) the channel for `channel.kind`."""
        if not channel.kind:
            raise ValueError("channel has no kind")
        self._channels[channel.kind] = channel
        self._started.discard(channel.kind)

    def get(self, kind: str) -> Channel | None:
        return self._channels.get(str(kind))

    async def ready(self, kind: str) -> Channel | None:
        """The started channel for `kind`, or None when no channel handles it here."""
        channel = self._channels.get(str(kind))
        if channel is not None and channel.kind not in self._started:
            await channel.start()
            self._started.add(channel.kind)
        return channel

    def kinds(self) -> list[str]:
        return sorted(self._channels)

    def supports_digest(self, kind: str) -> bool:
        channel = self._channels.get(str(kind))
        return bool(channel and channel.supports_digest)

    async def close(self) -> None:
        for kind in list(self._started):
            try:
                await self._channels[kind].close()
            except Exception:
                log.exception("error closing %s channel", kind)
        self._started.clear()
