"""Browser tests: Playwright driving Debian's Chromium against live_server."""

import os
from pathlib import Path

import pytest
from django.core.cache import cache

from tests.helpers import connected_user

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls made by the
# test itself (fixtures) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture
def screenshot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name):
        # caret="initial": hiding the caret would inject a style the page's CSP rightly blocks.
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True, caret="initial")

    return take


@pytest.fixture
def staff(transactional_db, sandbox_account, sandbox_url, live_server):
    """Make a staff login connected to its own sandbox account: staff("alice", customers=40)."""
    cache.clear()

    def make(username, *, account=None, customers=60, seed=1):
        account = account or f"{username}-co"
        sandbox_account(account, customers=customers, seed=seed,
                        api_user=f"{username}-api", api_key=f"{username}-key")  # fmt: skip
        return connected_user(username, base_url=sandbox_url, password=PASSWORD,
                              label=f"{username.title()} Co",
                              api_user=f"{username}-api", api_key=f"{username}-key")  # fmt: skip

    return make


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/customers/**")


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """A common laptop-to-desktop width, so screenshots show the whole table."""
    return {**browser_context_args, "viewport": {"width": 1600, "height": 900}}
