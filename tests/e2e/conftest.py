"""Browser tests: Playwright drives Debian's Chromium (never a downloaded
browser) against a live test server. Skipped locally when Chromium is not
installed; in CI a missing browser is a failure."""

import os
from pathlib import Path

import pytest
from django.conf import settings

# Playwright's sync API runs an event loop in this thread; the ORM calls the
# tests make to set up data are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"Chromium is not installed at {CHROMIUM}")
        pytest.skip(f"Chromium is not installed at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def sign_in(page, live_server, client):
    """Sign a user in by session cookie (fast), for tests whose subject is not the login form."""

    def as_user(user):
        client.force_login(user)
        cookie = client.cookies["sessionid"]
        page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])
        return page

    return as_user


# --- Accessibility: axe-core (static/vendor/axe-core) ----------------------
# WCAG 2.0/2.1 A and AA, plus axe's best practices (heading order, empty table
# headers, landmarks) that a screen-reader user trips over just the same.
AXE_URL = f"{settings.STATIC_URL}vendor/axe-core/axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def axe_violations(page, *, exclude: tuple[str, ...] = ()) -> list[dict]:
    """axe-core's violations on the page as it is now (after htmx swaps too).

    The script is loaded by URL from our static files: the enforced CSP refuses
    inline script, so `add_script_tag(path=...)` (which inlines it) cannot run.
    `exclude`: CSS selectors of third-party widgets the portal does not render."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=AXE_URL)
    return page.evaluate(
        """async ([tags, exclude]) => {
            const context = exclude.length ? { exclude: exclude.map((s) => [s]) } : document;
            const options = { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] };
            const result = await axe.run(context, options);
            return result.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map((n) => ({ target: n.target.join(" "), summary: n.failureSummary })),
            }));
        }""",
        [AXE_TAGS, list(exclude)],
    )


def describe_violations(url: str, violations: list[dict]) -> str:
    lines = [f"axe-core: {sum(len(v['nodes']) for v in violations)} violation(s) on {url}"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            reason = (node["summary"] or "").splitlines()[-1].strip()
            lines.append(f"    {node['target']}: {reason}")  # noqa: PERF401 (clearer as a loop)
        if len(violation["nodes"]) > 5:
            lines.append(f"    … and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)


def check_accessible(page, *, exclude: tuple[str, ...] = ()) -> None:
    """Fail with a readable list unless axe-core finds nothing on the page."""
    violations = axe_violations(page, exclude=exclude)
    assert not violations, describe_violations(page.url, violations)


@pytest.fixture
def assert_accessible():
    """`assert_accessible(page)` in any journey: zero axe-core violations (WCAG 2.1 A/AA
    and best practices) on the page as it stands, e.g. after each navigation or swap."""
    return check_accessible
