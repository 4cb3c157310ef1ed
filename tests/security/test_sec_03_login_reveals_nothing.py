"""Row 3: unknown user and wrong password take the same path at the same bcrypt cost.

Asserts the code path (one bcrypt check at the configured cost in every case), not a
time: `tge-monitor bench login --json` measures the medians.
"""

from __future__ import annotations

from typing import Any

import bcrypt
import pytest

from core.errors import Unauthorized
from core.runtime import App


async def test_every_failure_pays_one_check_at_the_real_cost(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    app.accounts._rounds = 5  # not the cost of any built-in hash
    await app.accounts.create_user("known", "password123")
    await app.accounts.ensure_identity("telegram", 31337)  # an account with no password
    bot_only = await app.accounts.ensure_identity("telegram", 31337)
    costs: list[int] = []
    real = bcrypt.checkpw

    def spy(password: bytes, hashed: bytes) -> Any:
        costs.append(int(hashed.split(b"$")[2]))  # $2b$<cost>$...
        return real(password, hashed)

    monkeypatch.setattr(bcrypt, "checkpw", spy)
    messages = []
    for username, password in (
        ("known", "wrong-password"),
        ("nobody-here", "wrong-password"),
        (bot_only.username, "wrong-password"),
        ("known", "x" * 100),  # over bcrypt's 72 bytes
    ):
        with pytest.raises(Unauthorized) as caught:
            await app.accounts.authenticate(username, password)
        messages.append(caught.value.message)
    assert costs == [5, 5, 5, 5]
    assert set(messages) == {"invalid username or password"}
