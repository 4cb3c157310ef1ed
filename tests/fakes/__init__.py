"""Local fake servers that speak the real wire protocols (see shared/TESTING.md).

The real client libraries (python-telegram-bot, discord.py, aiohttp) talk to these over
127.0.0.1, so tests exercise request encoding, response parsing and retries for real.
"""

from tests.fakes.discord import FakeDiscord
from tests.fakes.telegram import FakeTelegram

__all__ = ["FakeDiscord", "FakeTelegram"]
