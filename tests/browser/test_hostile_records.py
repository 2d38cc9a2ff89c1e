"""Hostile customer data renders as inert text in a real browser: no script ever runs."""

import re
from urllib.parse import quote

from playwright.sync_api import expect

from tests.browser.conftest import log_in


def test_hostile_records_render_as_text_and_no_dialog_fires(page, live_server, staff, screenshot):
    staff("alice", customers=60)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(page, live_server, "alice")

    page.fill("#quick-search", "alert")
    page.press("#quick-search", "Enter")
    expect(page).to_have_url(re.compile(r"filter_value=alert"))  # the search's own table
    assert page.locator("td", has_text="Evil <script>alert(1)</script> AB").count() == 1
    screenshot(page, "hostile-search")

    page.locator("tbody tr", has_text="onerror").locator("a").first.click()
    expect(page).to_have_url(re.compile(r"/customers/\d+/"))
    assert '"><img src=x onerror=alert(1)><script>alert(2)</script>' in page.inner_text("h1")

    echo = '<script>alert("echo")</script>'
    page.goto(
        f"{live_server.url}/customers/?filter_type=special&filter_field=search"
        f"&filter_value={quote(echo)}"
    )
    assert page.input_value("#quick-search") == echo

    assert dialogs == []
    assert page.locator("img[src=x]").count() == 0
