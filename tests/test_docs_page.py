"""/docs in headless Chromium under the app's own CSP: Swagger UI from the packaged bundle,
no CSP error, the operations laid out, and "Try it out" carrying the caller's token."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.runtime import App
from tests.test_dashboard import ARTIFACTS, CHROMIUM, base_url, page  # noqa: F401 (fixtures)
from tests.web_helpers import make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="Debian chromium not installed (/usr/bin/chromium)"
    ),
]


async def test_docs_render_under_the_csp_and_try_it_out_uses_the_token(
    app: App,
    base_url: str,  # noqa: F811
    page,  # noqa: F811
) -> None:
    caller = await make_user(app, "reader")
    seen: list[dict[str, str]] = []
    page.on("request", lambda r: seen.append(r.headers) if r.url.endswith("/me") else None)
    # the dashboard's sign-in leaves the token in this tab's sessionStorage
    await page.goto(base_url + "/")
    await page.evaluate(f"sessionStorage.setItem('tge_token', {caller.token!r})")
    resp = await page.goto(base_url + "/docs")
    assert "style-src 'self'" in resp.headers["content-security-policy"]
    await page.wait_for_selector(".swagger-ui .opblock", timeout=20_000)
    blocks = await page.query_selector_all(".opblock")
    assert len(blocks) > 20
    # laid out full width, not squeezed into a column
    width = await page.evaluate("document.querySelector('.opblock').getBoundingClientRect().width")
    assert width > 800
    assert "Signed in from the dashboard" in await page.text_content("#docs-auth-hint")
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / "docs.png"), full_page=False)

    # open GET /me, Try it out, Execute: the request carries the caller's token
    op = page.locator(".opblock-get", has=page.locator('[data-path="/me"]')).first
    await op.locator(".opblock-summary").first.click()
    await op.locator("button.try-out__btn").click()
    await op.locator("button.execute").click()
    await op.locator(".live-responses-table tbody .response-col_status").first.wait_for(
        timeout=10_000
    )
    assert seen and seen[-1].get("authorization") == f"Bearer {caller.token}"
    status = await op.locator(
        ".live-responses-table tbody .response-col_status"
    ).first.text_content()
    assert "200" in status
    assert "reader" in await op.locator(".live-responses-table .microlight").first.text_content()

    assert page.csp_errors == [], page.csp_errors  # no CSP (or other) console error
    assert (await page.request.get(base_url + "/favicon.ico")).ok
    assert (await page.request.get(base_url + "/docs/static/index.html")).status == 404
