"""axe-core finds no serious or critical accessibility violations on the main pages.

The pages send a strict Content-Security-Policy that would block the injected axe script, so
the browser context bypasses CSP; nothing else about the pages is changed.
"""

from pathlib import Path

import pytest

from sandbox.models import SandboxAccount
from tests.browser.conftest import log_in

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}


def fail_upstream(username):
    SandboxAccount.objects.filter(name=f"{username}-co").update(fault="error_503")


# name -> (path, logged in?, selector that shows the page is ready, setup before opening)
PAGES = {
    "login": ("/accounts/login/", False, "#id_username", None),
    "search": ("/customers/", True, "table.customer-table", None),
    "search-form-errors": ("/customers/?page=0&page_size=500", True, ".error-box", None),
    "detail": ("/customers/1/", True, ".detail-grid", None),
    "connections": ("/settings/connections/", True, "table.plain-table", None),
    "connection-add": ("/settings/connections/add/", True, "#id_label", None),
    "upstream-error": ("/customers/", True, ".error-box", fail_upstream),
}


def describe(violations) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f" [{violation['helpUrl']}]"
        )
        for node in violation["nodes"][:3]:
            lines.append(f"    target {node['target']}: {node.get('failureSummary', '')!r}")
    return "\n".join(lines)


@pytest.fixture
def a11y_page(browser, browser_context_args):
    context = browser.new_context(**browser_context_args, bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_serious_accessibility_violations(
    name, a11y_page, live_server, staff, screenshot
):
    path, logged_in, ready, setup = PAGES[name]
    page = a11y_page
    staff("alice", customers=60)
    if setup:  # before logging in, so no cached answer from the landing page hides it
        setup("alice")
    if logged_in:
        log_in(page, live_server, "alice")

    page.goto(f"{live_server.url}{path}")
    page.wait_for_selector(ready)
    if name == "search-form-errors":
        assert "page_size" in page.inner_text(".error-box")
    if name == "upstream-error":
        assert "not answering" in page.inner_text(".error-box")
    screenshot(page, f"a11y-{name}")

    page.add_script_tag(path=str(AXE))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    blocking = [v for v in results["violations"] if v["impact"] in BLOCKING]
    assert not blocking, f"axe found on {name} ({path}):\n{describe(blocking)}"
