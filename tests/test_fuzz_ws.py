"""Property-based: any text frame to an authenticated /ws gets an answer, never a disconnect.

A frame that is not JSON, not an object, of an unknown type or with bad data is answered with
an `error` message; the socket stays open (a ping still gets its pong), the server logs no
exception, and the hub still delivers an alert afterwards.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.conftest import make_settings
from tests.fakes.threaded_app import ThreadedApp
from tests.web_helpers import make_user, serve
from web.config import WebConfig

CONFIG = WebConfig(ws_auth_timeout_s=5, ws_heartbeat_s=60, ws_queue_size=64, access_log=False)
REPLY_TYPES = {"error", "pong", "status"}


class Errors(logging.Handler):
    """ERROR records from the server side (an unhandled exception in a handler)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class Live(ThreadedApp):
    """A served App on its own loop thread, with one authenticated socket."""

    def __init__(self, tmp: Path) -> None:
        super().__init__(make_settings(tmp))
        self.errors = Errors()
        logging.getLogger().addHandler(self.errors)
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self.pings = 0
        self.start()

    async def setup(self) -> None:
        self.caller = await make_user(self.app, "fuzzer")
        self.client = await serve(self.app, CONFIG)

    async def teardown(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        await self.client.close()

    async def socket(self) -> aiohttp.ClientWebSocketResponse:
        if self.ws is None or self.ws.closed:
            self.ws = await self.client.ws_connect("/ws", headers=self.caller.headers)
            assert (await self.next())["type"] == "status"
        return self.ws

    async def next(self) -> dict[str, Any]:
        """The next message that is not a heartbeat."""
        assert self.ws is not None
        while True:
            msg = await self.ws.receive(timeout=5)
            assert msg.type == aiohttp.WSMsgType.TEXT, f"socket closed: {msg}"
            data = json.loads(msg.data)
            if data["type"] != "heartbeat":
                return data

    async def exchange(self, frame: str) -> dict[str, Any]:
        """Send one frame, return its answer, and prove the socket is still open."""
        ws = await self.socket()
        await ws.send_str(frame)
        answer = await self.next()
        self.pings += 1
        await ws.send_str(json.dumps({"type": "ping", "data": {"n": self.pings}}))
        assert await self.next() == {"type": "pong", "data": {"n": self.pings}}, frame[:200]
        return answer

    async def alert_arrives(self) -> bool:
        ws = await self.socket()
        filters = {"confidence_threshold": 0, "companies": []}
        await ws.send_str(json.dumps({"type": "subscribe", "data": filters}))
        assert (await self.next())["data"]["subscribed"]
        await self.app.bus.publish(
            "alerts", {"type": "alert", "data": {"id": 1, "title": "t", "confidence": 1}}
        )
        return (await self.next())["type"] == "alert"

    def close(self) -> None:
        logging.getLogger().removeHandler(self.errors)
        super().close()


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    server = Live(tmp_path_factory.mktemp("fuzz_ws"))
    try:
        yield server
    finally:
        server.close()


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=12,
)
types = st.one_of(
    st.sampled_from(["auth", "ping", "subscribe", "unsubscribe", "status", "alert", ""]),
    st.text(max_size=20),
)
filters = st.fixed_dictionaries(
    {},
    optional={
        "confidence_threshold": st.one_of(scalars, st.floats(-1, 2)),
        "companies": st.one_of(json_values, st.lists(st.text(max_size=140), max_size=5)),
        "extra": json_values,
    },
)
auth = st.fixed_dictionaries(
    {},
    optional={
        "token": st.one_of(scalars, st.text(max_size=300)),
        "api_key": st.one_of(scalars, st.just("tge_abc_def"), st.text(max_size=300)),
    },
)
messages = st.one_of(
    st.fixed_dictionaries(
        {"type": types}, optional={"data": st.one_of(json_values, filters, auth)}
    ),
    st.fixed_dictionaries({"type": json_values}, optional={"data": json_values}),
    st.dictionaries(st.text(max_size=8), json_values, max_size=3),
    json_values,
)


def nested(depth: int, inner: str = "") -> str:
    return "[" * depth + inner + "]" * depth


frames = st.one_of(
    messages.map(json.dumps),
    st.text(max_size=300),
    st.integers(1, 30_000).map(nested),
    st.integers(1, 20_000).map(lambda d: '{"type":"ping","data":' + nested(d) + "}"),
    st.integers(1, 10_000).map(lambda d: '{"type":"ping","data":' + '{"a":' * d + "1" + "}" * d),
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(frame=frames)
@example(frame=nested(30_000))
@example(frame='{"type":"ping","data":' + nested(5_000) + "}")
@example(frame='{"type":"ping","data":' + nested(900) + "}")
@example(frame='{"type":"ping","data":' + nested(2024) + "}")
@example(frame='{"type":"ping","data":' + nested(65) + "}")
@example(frame='{"type":"subscribe","data":{"confidence_threshold":NaN}}')
@example(frame='{"type":"subscribe","data":{"confidence_threshold":1e999}}')
@example(frame='{"type":"ping","data":' + "1" * 5000 + "}")
@example(frame='{"type":"auth","data":{"token":"\\ud800"}}')
@example(frame='{"type":"auth","data":{"api_key":"tge_abc_def"}}')
@example(frame='{"type":"subscribe","data":{"companies":["\\u0000"," "]}}')
@example(frame="")
@example(frame="null")
def test_any_frame_is_answered_and_the_socket_stays_open(live: Live, frame: str) -> None:
    before = len(live.errors.records)
    answer = live.run(live.exchange(frame))
    assert answer["type"] in REPLY_TYPES, (frame[:200], answer)
    if answer["type"] == "error":
        assert answer["data"]["code"] and answer["data"]["message"], answer
    assert live.errors.records[before:] == [], frame[:200]


def test_hub_still_delivers_after_fuzzing(live: Live) -> None:
    assert live.run(live.alert_arrives())
    assert live.app.metrics.ws_dropped._value.get() == 0


@pytest.mark.parametrize(
    ("frame", "why"),
    [
        (nested(30_000), "nested deeper"),  # RecursionError in the decoder
        ('{"type":"ping","data":' + nested(64) + "}", "nested deeper"),  # pong could not encode
        ('{"type":"auth","data":{"token":"\\ud800"}}', "lone surrogates"),  # jwt could not encode
        ('{"type":"auth","data":{"api_key":"tge_\\udfff_x"}}', "lone surrogates"),
        ('{"type":"subscribe","data":{"companies":["a\\u0000"]}}', "NUL"),
    ],
)
def test_frames_that_crashed_the_handler_are_invalid_json(live: Live, frame: str, why: str) -> None:
    answer = live.run(live.exchange(frame))
    assert answer["type"] == "error" and answer["data"]["code"] == "invalid_json"
    assert why in answer["data"]["message"]


@pytest.mark.parametrize(
    "body",
    [
        nested(30_000),
        '{"username": "a", "password": ' + nested(100) + "}",
        '{"username": "alice", "password": "\\ud800"}',
        '{"username": "\\udc00", "password": "password123"}',
        '{"username": "alice\\u0000", "password": "password123"}',  # PostgreSQL: no NUL
    ],
)
def test_rest_bodies_share_the_parser(live: Live, body: str) -> None:
    """The same bodies on REST were a 500 (RecursionError, UnicodeEncodeError in bcrypt)."""

    async def post() -> tuple[int, dict[str, Any]]:
        resp = await live.client.post(
            "/auth/login", data=body, headers={"Content-Type": "application/json"}
        )
        return resp.status, await resp.json()

    status, payload = live.run(post())
    assert status == 400, payload
    assert payload["error"]["code"] == "invalid_json"
