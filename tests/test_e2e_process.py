"""The whole product in one real process, as a user meets it.

`tge-monitor run` starts with a Telegram token pointing at a local fake Bot API. A user DMs
the bot `/start` and `/subscribe`; an admin adds a company and a feed over REST; the monitor
polls the feed, scores the story, stores the alert, and the dispatcher pushes it into the
user's Telegram chat. This is the only test that goes through the composition root's wiring
(tge_monitor/cli.py) instead of building components by hand.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
from pathlib import Path

import aiohttp
from fakes.feeds import FeedServer
from fakes.telegram import FakeTelegram

CHAT = 4242
RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Launch news</title><link>https://news.example/</link>
<description>test</description>
<item><title>LayerZero announces ZRO token generation event &amp; airdrop claim on June 20</title>
<link>https://news.example/zro-tge</link><guid>zro-tge-1</guid>
<description>&lt;p&gt;The LayerZero Foundation said the $ZRO TGE happens on June 20 and the
airdrop claim opens the same day.&lt;/p&gt;</description></item>
<item><title>Bitcoin price slips as markets wait for the Fed</title>
<link>https://news.example/btc</link><guid>btc-1</guid>
<description>Traders watched the price.</description></item>
</channel></rss>"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def _wait_http(url: str, within_s: float = 60) -> None:
    deadline = asyncio.get_running_loop().time() + within_s
    async with aiohttp.ClientSession() as session:
        while True:
            try:
                async with session.get(url) as resp:
                    if resp.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"{url} never answered")
            await asyncio.sleep(0.2)


async def test_run_process_delivers_a_polled_tge_story_into_a_telegram_chat(
    tmp_path: Path,
) -> None:
    telegram = FakeTelegram()
    tg_base = await telegram.start()
    feeds = await FeedServer().start()
    feeds.set("/rss.xml", RSS, headers={"Content-Type": "application/rss+xml"})
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_"))},
        "DATA_DIR": str(tmp_path / "data"),
        "API_PORT": str(port),
        "ADMIN_USERNAME": "admin",
        "ADMIN_PASSWORD": "password123",
        "TELEGRAM_BOT_TOKEN": "123456:e2e-token",
        "TELEGRAM_API_BASE": tg_base,
        "FETCH_ALLOW_PRIVATE_NETWORKS": "true",
        "LOG_LEVEL": "INFO",
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tge_monitor",
        "run",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        await _wait_http(f"{base}/health")
        # the bot registered its commands and is polling
        for _ in range(300):
            if telegram.calls_of("getUpdates"):
                break
            await asyncio.sleep(0.05)
        assert any(c["command"] == "subscribe" for c in telegram.menus["all_private_chats"])

        # the company first: a write answers before the engine's rebuild has landed (by
        # design, it never waits long), so the story is polled only after the chat is set up
        async with aiohttp.ClientSession() as http:
            async with http.post(
                f"{base}/auth/login", json={"username": "admin", "password": "password123"}
            ) as resp:
                assert resp.status == 200
                token = (await resp.json())["access_token"]
            auth = {"Authorization": f"Bearer {token}"}
            async with http.post(
                f"{base}/companies",
                json={"name": "LayerZero", "tokens": ["ZRO"], "aliases": ["LayerZero Foundation"]},
                headers=auth,
            ) as resp:
                assert resp.status == 201, await resp.text()

        await telegram.push_command(CHAT, CHAT, "/start")
        await telegram.wait_for_sent(1, timeout=20, chat_id=CHAT)
        await telegram.push_command(CHAT, CHAT, "/subscribe 0.5")
        await telegram.wait_for_sent(2, timeout=20, chat_id=CHAT)
        await telegram.push_command(CHAT, CHAT, "/filter 150%")  # bad argument: an example
        replies = await telegram.wait_for_sent(3, timeout=20, chat_id=CHAT)
        assert "Example: /filter 70%" in replies[-1]["text"]

        async with aiohttp.ClientSession() as http:
            async with http.post(
                f"{base}/feeds", json={"url": feeds.url("/rss.xml"), "kind": "rss"}, headers=auth
            ) as resp:
                assert resp.status == 201, await resp.text()

            # the poller picks the new feed up, the dispatcher pushes the alert to the chat
            messages = await telegram.wait_for_sent(4, timeout=60, chat_id=CHAT)
            alert = messages[-1]
            assert "LayerZero announces ZRO token generation event &amp; airdrop" in alert["text"]
            assert alert["parse_mode"] == "HTML"
            buttons = [b for row in alert["reply_markup"]["inline_keyboard"] for b in row]
            assert any(b.get("url") == "https://news.example/zro-tge" for b in buttons)
            assert {b.get("callback_data", "")[-3:] for b in buttons} >= {":up"}

            async with http.get(f"{base}/alerts", headers=auth) as resp:
                items = (await resp.json())["items"]
            assert [a["companies"] for a in items] == [["LayerZero"]]  # the price story is not one
            assert items[0]["why"]

        await asyncio.sleep(0.5)
        assert len(telegram.sent(CHAT)) == 4  # delivered exactly once
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGINT)
        try:
            out, _ = await asyncio.wait_for(proc.communicate(), 30)
        except TimeoutError:
            proc.kill()
            out, _ = await proc.communicate()
        await feeds.stop()
        await telegram.stop()
    log = out.decode(errors="replace")
    assert proc.returncode == 0, log[-3000:]
    assert "Traceback" not in log, log[-3000:]
    assert "e2e-token" not in log  # the bot token never reaches the logs
    assert json.dumps("password123") not in log
