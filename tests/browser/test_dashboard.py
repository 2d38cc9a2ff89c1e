"""The dashboard end to end in Chromium: search, sort, page, detail, sharing, history,
connection settings, and the same with JavaScript off."""

import re

import pytest
from playwright.sync_api import expect

from sandbox.models import SandboxAccount
from tests.browser.conftest import log_in

CUSTOMERS = 60


def numbers(page) -> list[int]:
    """Customer numbers in the table, top to bottom."""
    return [int(n) for n in page.locator("tbody tr td:first-child a").all_inner_texts()]


@pytest.fixture
def alice(page, live_server, staff):
    """Alice logged in; afterwards, no page may have broken the Content-Security-Policy."""
    staff("alice", customers=CUSTOMERS)
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security" in m.text else 0)
    log_in(page, live_server, "alice")
    yield page
    assert violations == []


def test_searching_each_way_finds_the_right_customers(alice, live_server, screenshot):
    page = alice
    expect(page.locator(".summary")).to_have_text(f"Showing 1–25 of {CUSTOMERS} customers")
    screenshot(page, "search")

    page.fill("#quick-search", "göteborg")
    page.press("#quick-search", "Enter")
    expect(page).to_have_url(re.compile(r"filter_type=special.*filter_value=g%C3%B6teborg"))
    cities = page.locator("tbody tr td:nth-child(8)").all_inner_texts()
    assert cities and set(cities) == {"Göteborg"}

    for match, value in [("is exactly", "3"), ("starts with", "1"), ("contains", "5")]:
        page.locator("summary", has_text="Filter on one field").click() if not page.locator(
            "details.advanced[open]"
        ).count() else None
        page.select_option("#filter-field", label="Customer number")
        page.select_option("#filter-type", label=match)
        page.fill("#filter-value", value)
        page.click("button:has-text('Filter')")
        expect(page).to_have_url(re.compile(rf"filter_value={value}"))
        found = numbers(page)
        if match == "is exactly":
            assert found == [3]
        elif match == "starts with":
            assert found and all(str(n).startswith("1") for n in found)
        else:
            assert found and all("5" in str(n) for n in found)


def test_sorting_paging_and_page_size_update_the_table_and_the_url(alice, live_server):
    page = alice
    page.click("th >> text=Customer no.")
    expect(page).to_have_url(re.compile(r"order_direction=desc"))
    assert numbers(page)[0] == CUSTOMERS
    expect(page.locator("th[aria-sort]")).to_have_attribute("aria-sort", "descending")
    page.click("th >> text=Customer no.")
    expect(page).not_to_have_url(re.compile(r"order_direction"))
    assert numbers(page)[0] == 1

    page.click("text=Next ›")
    expect(page).to_have_url(re.compile(r"page=2"))
    assert numbers(page)[0] == 26
    page.click("text=Last »")
    expect(page).to_have_url(re.compile(r"page=3"))
    expect(page.locator(".summary")).to_have_text(f"Showing 51–60 of {CUSTOMERS} customers")

    page.locator(".page-sizes").get_by_role("link", name="10", exact=True).click()
    expect(page).to_have_url(re.compile(r"page_size=10$"))
    assert numbers(page) == list(range(1, 11))


def test_a_customer_opens_and_back_returns_to_the_same_results(alice, live_server, screenshot):
    page = alice
    page.click("th >> text=Customer no.")
    expect(page).to_have_url(re.compile(r"order_direction=desc$"))
    page.click("text=Next ›")
    expect(page).to_have_url(re.compile(r"order_direction=desc&page=2"))
    results_url = page.url
    first = numbers(page)[0]

    page.click(f"tbody a >> text='{first}'")
    expect(page.locator("h1")).to_contain_text(f"#{first}")
    expect(page.locator("button.copy").first).to_be_visible()
    screenshot(page, "detail")

    page.click("text=‹ Back to results")
    assert page.url == results_url
    assert numbers(page)[0] == first


def test_a_copied_url_opened_by_another_user_runs_on_their_own_account(
    alice, live_server, staff, browser
):
    staff("bob", customers=15, seed=9)
    alice.fill("#quick-search", "a")
    alice.press("#quick-search", "Enter")
    # The URL changes once the results are swapped in: sort the new table, not the old one.
    expect(alice).to_have_url(re.compile(r"filter_value=a"))
    alice.click("th >> text=Name")
    expect(alice).to_have_url(re.compile(r"order_field=name"))
    shared = alice.url

    bob_context = browser.new_context()
    bob = bob_context.new_page()
    log_in(bob, live_server, "bob")
    bob.goto(shared)

    assert bob.url == shared
    expect(bob.locator(".active-connection")).to_contain_text("Bob Co")
    assert max(numbers(bob)) <= 15
    expect(bob.locator("th[aria-sort]")).to_contain_text("Name")
    bob_context.close()


def test_back_and_forward_after_in_place_updates_restore_the_right_table(alice, live_server):
    page = alice
    page.click("text=Next ›")
    expect(page).to_have_url(re.compile(r"page=2"))
    page.click("text=Next ›")
    expect(page).to_have_url(re.compile(r"page=3"))
    assert numbers(page)[0] == 51

    page.go_back()
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(page.locator("tbody tr td:first-child a").first).to_have_text("26")
    page.go_back()
    expect(page.locator("tbody tr td:first-child a").first).to_have_text("1")
    page.go_forward()
    expect(page.locator("tbody tr td:first-child a").first).to_have_text("26")
    assert page.evaluate("() => Object.keys(localStorage).filter(k => k.startsWith('htmx'))") in (
        [],
        ["htmx-history-cache"],
    )
    cached = page.evaluate("() => localStorage.getItem('htmx-history-cache')")
    assert cached in (None, "[]")


def test_slash_focuses_the_search_box(alice):
    alice.locator("body").click()
    alice.keyboard.press("/")

    assert alice.evaluate("() => document.activeElement.id") == "quick-search"


def test_an_upstream_failure_is_a_friendly_page(alice, live_server, screenshot):
    SandboxAccount.objects.filter(name="alice-co").update(fault="error_503")

    alice.goto(f"{live_server.url}/customers/?page_size=50")

    expect(alice.locator(".error-box")).to_contain_text("Billogram is not answering right now")
    expect(alice.locator(".error-box")).to_contain_text("Request id:")
    screenshot(alice, "error")


def test_the_connection_settings_flow(alice, live_server, sandbox_url):
    page = alice
    page.click("text=Connections")
    page.click("text=Add connection")
    page.fill("#id_label", "Second")
    page.select_option("#id_environment", "custom")
    page.fill("#id_custom_base_url", sandbox_url)
    page.fill("#id_api_user", "alice-api")
    page.fill("#id_api_password", "alice-key")
    page.click("button:has-text('Save')")
    expect(page.locator(".message-success")).to_contain_text("Saved “Second”")

    row = page.locator("tr", has_text="Second")
    row.locator("button:has-text('Test connection')").click()
    expect(page.locator(".message-success")).to_contain_text(f"{CUSTOMERS} customers")

    page.locator("tr", has_text="Second").locator("button:has-text('Make active')").click()
    expect(page.locator(".active-connection")).to_contain_text("Second")


def test_search_sort_and_paging_work_with_javascript_off(browser, live_server, staff):
    staff("carol", customers=CUSTOMERS)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    log_in(page, live_server, "carol")

    page.fill("#quick-search", "1")
    page.click("button:has-text('Search')")
    expect(page).to_have_url(re.compile(r"filter_value=1"))
    page.click("th >> text=Customer no.")
    expect(page).to_have_url(re.compile(r"order_direction=desc"))
    first_page = numbers(page)
    assert first_page == sorted(first_page, reverse=True)
    page.click("text=Next ›")  # the sample data has more than one page of matches for "1"
    expect(page).to_have_url(re.compile(r"page=2"))
    assert numbers(page)[0] < first_page[-1]
    context.close()
