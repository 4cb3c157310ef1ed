"""schemathesis 4.x against the served API: every check, every phase, zero failures.

The app runs in this process on 127.0.0.1 (a port of its own) over SQLite and PostgreSQL;
the schemathesis CLI reads /openapi.json from it and tests every documented operation as an
admin with a JWT, as an admin with an API key, and without credentials. Examples are bounded
by count (`--max-examples`, a fixed `--seed`), never by time. Generated feed and webhook URLs
stay on the machine: private networks are refused (FETCH_ALLOW_PRIVATE_NETWORKS=false) and
name resolution is a stub (the fetcher's resolver hook), so the machine's DNS server is
never asked; nothing is fetched during the run (no monitor or dispatcher is started), and
the fetcher's socket factory is replaced by one that refuses every connection, so even a
bug that fetched could not leave the process.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import make_settings, needs_postgres
from tests.fakes.resolver import StubResolver
from tests.fakes.threaded_app import ThreadedApp
from web.app import WebServer
from web.config import WebConfig

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "4"))
# the coverage phase walks every schema boundary (most of a run's requests) and does not
# depend on who asks: the JWT and anonymous runs do it, the API-key run fuzzes and chains
PHASES = {
    "jwt": "examples,coverage,fuzzing,stateful",
    "api_key": "examples,fuzzing,stateful",
    "none": "examples,coverage,fuzzing,stateful",
}
# positive_data_acceptance expects 2xx/401/403/404/409/429 for schema-valid input. These
# operations (named by method and path; the other methods of a path keep the default) also
# refuse schema-valid input for reasons JSON Schema cannot state, and answer them with a 422
# naming the field: an opaque cursor that this list never handed out, a link code no bot
# issued, a command's free-text arguments, a destination address whose rules depend on its
# kind (or, on PATCH, on the stored destination's kind), a feed URL whose host resolves to a
# refused address, an official domain or @handle (a domain is judged against the
# public-suffix list), and an OPML document (XML, which a JSON string's schema cannot
# describe). Everything else keeps the default.
ACCEPTED = '["2xx", "3xx", "401", "403", "404", "409", "422", "429"]'
STATE_DEPENDENT = [
    "GET /alerts",
    "GET /companies",
    "GET /feeds",
    "GET /subscriptions",
    "GET /destinations",
    "POST /companies",
    "POST /companies/{ref}/official",
    "POST /feeds",
    "POST /feeds/opml",
    "POST /destinations",
    "PATCH /destinations/{id}",
    "POST /auth/link",
    "POST /commands/{name}",
]
CONFIG = "".join(
    f"""
[[operations]]
include-name = "{operation}"
checks.positive_data_acceptance.expected-statuses = {ACCEPTED}
"""
    for operation in STATE_DEPENDENT
)


class Served(ThreadedApp):
    """The App behind a real loopback listener, with an admin's JWT and API key."""

    def __init__(self, tmp: Path, database_url: str | None) -> None:
        env = {"FETCH_ALLOW_PRIVATE_NETWORKS": "false"}
        if database_url:
            env["DATABASE_URL"] = database_url
        super().__init__(make_settings(tmp, **env))
        # a public-looking answer, so URLs pass the address policy and are stored as valid
        self.resolver = StubResolver("93.184.215.14")
        self.app.fetcher._inner_resolver = self.resolver
        self.connects: list[tuple[Any, ...]] = []
        self.app.fetcher._socket_factory = self._no_connection  # type: ignore[method-assign]
        self.start()

    def _no_connection(self, addr_info: tuple[Any, ...]) -> Any:
        self.connects.append(addr_info)
        raise OSError("the schemathesis test makes no outbound connections")

    async def setup(self) -> None:
        admin = await self.app.accounts.create_user("root", "password123", role="admin")
        self.token = self.app.accounts.issue_token(admin)["access_token"]
        _key, self.api_key = await self.app.accounts.create_api_key(
            admin, "schemathesis", scopes=["read", "write", "admin"]
        )
        await self.app.companies.create("Foo Labs", tokens=["FOO"], aliases=["foo"])
        self.server = WebServer(
            self.app, host="127.0.0.1", port=0, config=WebConfig(access_log=False)
        )
        await self.server.start()
        self.base = f"http://127.0.0.1:{self.server.bound_port}"

    async def teardown(self) -> None:
        await self.server.stop()


def run_schemathesis(
    base: str, headers: dict[str, str], workdir: Path, phases: str = PHASES["jwt"]
) -> subprocess.CompletedProcess:
    # the console script of this interpreter's schemathesis; a venv made with
    # --system-site-packages has the package but not the script, so call its entry point
    script = Path(sys.executable).with_name("schemathesis")
    cli = (
        [str(script)]
        if script.exists()
        else [sys.executable, "-c", "from schemathesis.cli import schemathesis; schemathesis()"]
    )
    command = [
        *cli,
        "run",
        f"{base}/openapi.json",
        "--checks",
        "all",
        "--phases",
        phases,
        "--max-examples",
        str(MAX_EXAMPLES),
        "--seed",
        "17",
        "--workers",
        "1",
        "--request-timeout",
        "30",
        "--no-color",
    ]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    (workdir / "schemathesis.toml").write_text(CONFIG)
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env["NO_PROXY"] = "*"

    return subprocess.run(
        command, cwd=workdir, env=env, capture_output=True, text=True, timeout=600
    )


def _check(served: Served, tmp_path: Path, auth: str) -> None:
    headers = {
        "jwt": {"Authorization": f"Bearer {served.token}"},
        "api_key": {"X-API-Key": served.api_key},
        "none": {},
    }[auth]
    result = run_schemathesis(served.base, headers, tmp_path, PHASES[auth])
    out = result.stdout + result.stderr
    assert result.returncode == 0, out[-20000:]
    assert " passed" in out and " failed" not in out.split("Test cases:")[-1], out[-5000:]
    assert served.connects == []  # nothing tried to connect anywhere


@pytest.mark.timeout(600)
@pytest.mark.parametrize("auth", ["jwt", "api_key", "none"])
async def test_schemathesis_sqlite(tmp_path: Path, auth: str) -> None:
    served = Served(tmp_path, None)
    try:
        _check(served, tmp_path, auth)
    finally:
        served.close()


@needs_postgres
@pytest.mark.timeout(600)
@pytest.mark.parametrize("auth", ["jwt", "api_key", "none"])
async def test_schemathesis_postgres(tmp_path: Path, pg_url: str, auth: str) -> None:
    served = Served(tmp_path, pg_url)
    try:
        _check(served, tmp_path, auth)
    finally:
        served.close()
