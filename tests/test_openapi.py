"""The OpenAPI document matches the route table, validates as 3.1, and a property-based
run over every documented route (schema-guided and arbitrary input) never gets a 5xx."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.runtime import create_app
from tests.conftest import make_settings
from tests.web_helpers import FAST, make_user, serve
from web.openapi import request_schema
from web.routes import all_routes
from web.schema import RouteSpec

ROUTES = [r for r in all_routes(FAST) if r.documented]


async def test_document_lists_every_route(app) -> None:
    client = await serve(app)
    try:
        resp = await client.get("/openapi.json")
        doc = await resp.json()
        docs = await client.get("/docs")
        assert docs.status == 200 and "docs.js" in await docs.text()
        assert (await client.get("/static/docs.js")).status == 200
    finally:
        await client.close()
    assert doc["openapi"] == "3.1.0"
    for spec in ROUTES:
        op = doc["paths"][spec.path][spec.method.lower()]
        assert op["summary"] == spec.summary
        assert str(spec.status) in op["responses"]
        if spec.auth != "public":
            assert {"401", "403"} <= set(op["responses"])
        if spec.body is not None:
            body = op["requestBody"]["content"]["application/json"]["schema"]
            assert body == request_schema(spec.body)
    ids = [op["operationId"] for path in doc["paths"].values() for op in path.values()]
    assert len(ids) == len(set(ids))
    from openapi_spec_validator import validate

    validate(doc)


# --- property-based run --------------------------------------------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)


def from_schema(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Values that mostly satisfy the schema (the validator's interesting edge)."""
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if isinstance(kind, list):
        return st.one_of(*(from_schema({**schema, "type": k}) for k in kind))
    if kind == "string":
        return st.text(
            min_size=schema.get("minLength", 0), max_size=min(40, schema.get("maxLength", 40))
        )
    if kind == "integer":
        return st.integers(schema.get("minimum", -(2**40)), schema.get("maximum", 2**40))
    if kind == "number":
        return st.floats(schema.get("minimum"), schema.get("maximum"), allow_nan=False)
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    if kind == "array":
        return st.lists(from_schema(schema.get("items", {})), max_size=3)
    if kind == "object":
        props = schema.get("properties", {})
        required = set(schema.get("required", ()))
        return st.fixed_dictionaries(
            {k: from_schema(v) for k, v in props.items() if k in required},
            optional={k: from_schema(v) for k, v in props.items() if k not in required},
        )
    return JSON


def maybe_wrong(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    return st.one_of(from_schema(schema), from_schema(schema), JSON)


def as_text(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return value if isinstance(value, str) else json.dumps(value)


@st.composite
def requests(draw: st.DrawFn) -> tuple[RouteSpec, str, Any]:
    spec = draw(st.sampled_from(ROUTES))
    path, query = spec.path, {}
    for param in spec.params:
        value = as_text(draw(maybe_wrong(param.schema)))
        if param.where == "path":
            path = path.replace("{" + param.name + "}", quote(value or "x", safe=""))
        elif draw(st.booleans()):
            query[param.name] = value
    if query:
        path += "?" + "&".join(f"{k}={quote(v, safe='')}" for k, v in query.items())
    body: Any = None
    if spec.body is not None:
        body = draw(st.one_of(maybe_wrong(spec.body), st.binary(max_size=30)))
    return spec, path, body


class Live:
    """A served App on its own loop thread, so hypothesis can drive it synchronously."""

    def __init__(self, tmp: Path) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.app = create_app(make_settings(tmp))
        self.app.accounts._rounds = 4
        self.run(self._start())

    def run(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(60)

    async def _start(self) -> None:
        await self.app.open()
        self.app.limiter.enabled = False
        admin = await make_user(self.app, "root", role="admin")
        self.headers = admin.headers
        await self.app.companies.create("Foo Labs", tokens=["FOO"])
        self.client = await serve(self.app)

    async def call(self, method: str, path: str, body: Any) -> int:
        kwargs: dict[str, Any] = {"headers": self.headers}
        if isinstance(body, bytes):
            kwargs["data"] = body
        elif body is not None:
            kwargs["json"] = body
        async with self.client.session.request(
            method, self.client.make_url(path), **kwargs
        ) as resp:
            if resp.status >= 500:
                return resp.status
            if resp.status >= 400 and resp.content_type == "application/json":
                error = (await resp.json())["error"]
                assert error["code"] and error["message"], error
            return resp.status

    def close(self) -> None:
        async def stop() -> None:
            await self.client.close()
            await self.app.stop()

        self.run(stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    server = Live(tmp_path_factory.mktemp("openapi"))
    try:
        yield server
    finally:
        server.close()


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(requests())
def test_no_5xx_for_any_input(live: Live, request_: tuple[RouteSpec, str, Any]) -> None:
    spec, path, body = request_
    if spec.path == "/" or spec.path == "/docs":
        return
    status = live.run(live.call(spec.method, path, body))
    assert status < 500, (spec.method, path, body)
