"""The customer search and detail pages, end to end against the sandbox over real HTTP.

The dashboard runs in Django's test client; the Billogram it talks to is the built-in sandbox
served by live_server. Expected rows come from asking the sandbox API directly with the same
parameters, so every assertion compares the page with what Billogram itself answers.
"""

import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tests.helpers import connect, page_text

pytestmark = pytest.mark.django_db(transaction=True)

SEARCH = reverse("customers:search")
ACME = {"customers": 60, "seed": 3, "api_user": "acme-api", "api_key": "acme-key"}
GLOBEX = {"customers": 45, "seed": 9, "api_user": "globex-api", "api_key": "globex-key"}
RAW_SCRIPT = "<script>alert(1)</script>"
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"
DETAIL_LINK = re.compile(r'href="/customers/(\d+)/\?')


# --- helpers -------------------------------------------------------------------------------


class _Links(HTMLParser):
    """Every <a>'s href (unescaped, as a browser reads it) and text, and every <th>'s attrs."""

    def __init__(self):
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self.headers: list[dict] = []
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._href, self._text = dict(attrs).get("href"), []
        elif tag == "th":
            self.headers.append(dict(attrs))

    def handle_data(self, data):
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            self.links.append((self._href, " ".join("".join(self._text).split())))
            self._href = None


def _parsed(response) -> _Links:
    parser = _Links()
    parser.feed(response.content.decode())
    return parser


def _link(response, text: str, *, to_search: bool = False) -> str:
    """The href of the one link whose text is exactly `text` (only links to the search page
    with `to_search`, to tell the page-size link "50" from customer number 50)."""
    hrefs = [
        href
        for href, label in _parsed(response).links
        if label == text and (not to_search or href == SEARCH or href.startswith(SEARCH + "?"))
    ]
    assert len(hrefs) == 1, f"expected one {text!r} link, found {hrefs}"
    return hrefs[0]


def _shown_numbers(response) -> list[int]:
    """Customer numbers of the table rows, in page order, from their /customers/<n>/ links."""
    return [int(n) for n in DETAIL_LINK.findall(response.content.decode())]


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


class SandboxApi:
    """The sandbox's Billogram API asked directly, as the dashboard's expected answers."""

    def __init__(self, base_url: str, api_user: str, api_key: str):
        self.base_url, self.auth = base_url, (api_user, api_key)

    def get(self, path: str, **params) -> dict:
        response = requests.get(
            f"{self.base_url}/{path}", params=params, auth=self.auth, timeout=10
        )
        response.raise_for_status()
        return response.json()

    def listing(self, **params) -> tuple[list[int], int]:
        """(customer numbers of the page, total_count) for the dashboard's default parameters
        overridden by `params`."""
        sent = {"page": 1, "page_size": 25, "order_field": "customer_no", "order_direction": "asc"}
        payload = self.get("customer", **{**sent, **params})
        return [c["customer_no"] for c in payload["data"]], payload["meta"]["total_count"]

    def everyone(self) -> list[dict]:
        return self.get("customer", page_size=100)["data"]


# --- fixtures ------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def alice(db):
    return get_user_model().objects.create_user("alice", password="alice-pw")


@pytest.fixture
def bob(db):
    return get_user_model().objects.create_user("bob", password="bob-pw")


@pytest.fixture
def acme(sandbox_account):
    return sandbox_account("acme", **ACME)


@pytest.fixture
def acme_api(acme, sandbox_url) -> SandboxApi:
    return SandboxApi(sandbox_url, ACME["api_user"], ACME["api_key"])


@pytest.fixture
def alice_on_acme(client, alice, acme, sandbox_url):
    """Alice, logged in to the test client, with an active connection to the acme account."""
    connect(alice, base_url=sandbox_url)
    client.force_login(alice)
    return client


# --- filters -------------------------------------------------------------------------------

FILTERS = {
    "quick search": {"filter_type": "special", "filter_field": "search", "filter_value": "ström"},
    "field is exactly": {
        "filter_type": "field",
        "filter_field": "address:city",
        "filter_value": "Skellefteå",
    },
    "field starts with": {
        "filter_type": "field-prefix",
        "filter_field": "name",
        "filter_value": "sv",
    },
    "field contains": {
        "filter_type": "field-search",
        "filter_field": "contact:email",
        "filter_value": "example.se",
    },
}


@pytest.mark.parametrize("params", FILTERS.values(), ids=FILTERS.keys())
def test_each_filter_type_shows_the_customers_billogram_returns_for_it(
    alice_on_acme, acme_api, params
):
    expected, total = acme_api.listing(**params)

    response = alice_on_acme.get(SEARCH, params, follow=True)

    assert response.status_code == 200
    assert 0 < total < ACME["customers"]  # the filter really filters
    assert _shown_numbers(response) == expected
    assert f"of {total} customer" in page_text(response)


def test_a_quick_search_submitted_while_sorted_keeps_the_sort(alice_on_acme, acme_api):
    # The search box as a browser submits it on a page sorted by name, descending: its
    # hidden fields come before the typed value.
    submitted = [
        ("filter_type", "special"),
        ("filter_field", "search"),
        ("order_field", "name"),
        ("order_direction", "desc"),
        ("filter_value", "skellefteå"),
    ]
    response = alice_on_acme.get(f"{SEARCH}?{urlencode(submitted)}", follow=True)
    expected, total = acme_api.listing(**dict(submitted))

    assert 0 < total < ACME["customers"]
    assert response.status_code == 200
    assert _shown_numbers(response) == expected
    assert _query(response.redirect_chain[-1][0]) == {k: [v] for k, v in submitted}


# --- sorting -------------------------------------------------------------------------------

SORTABLE_COLUMNS = {
    "customer_no": "customer_no",
    "name": "name",
    "org_no": "org_no",
    "contact:email": "contact_email",
    "contact:phone": "contact_phone",
    "address:city": "city",
    "created_at": "created_at",
}


@pytest.mark.parametrize("direction", ["asc", "desc"])
@pytest.mark.parametrize("order_field", SORTABLE_COLUMNS)
def test_sorting_a_column_shows_rows_in_billogram_order_and_marks_the_header(
    alice_on_acme, acme_api, order_field, direction
):
    params = {"order_field": order_field, "order_direction": direction, "page_size": 100}
    expected, _ = acme_api.listing(**params)

    response = alice_on_acme.get(SEARCH, params, follow=True)

    assert response.status_code == 200
    assert _shown_numbers(response) == expected
    assert len(expected) == ACME["customers"]
    sorted_headers = [h for h in _parsed(response).headers if "aria-sort" in h]
    assert sorted_headers == [
        {
            "scope": "col",
            "aria-sort": "ascending" if direction == "asc" else "descending",
            "class": f"col-{SORTABLE_COLUMNS[order_field]}",
        }
    ]


def test_clicking_a_sorted_header_reverses_the_order(alice_on_acme, acme_api):
    page = alice_on_acme.get(SEARCH, {"order_field": "name"}, follow=True)
    name_header = next(href for href, label in _parsed(page).links if label.startswith("Name"))

    response = alice_on_acme.get(name_header)

    assert _query(name_header) == {"order_field": ["name"], "order_direction": ["desc"]}
    assert (
        _shown_numbers(response) == acme_api.listing(order_field="name", order_direction="desc")[0]
    )


# --- paging --------------------------------------------------------------------------------


def test_the_last_page_link_shows_the_last_customers_and_the_right_range(alice_on_acme, acme_api):
    first = alice_on_acme.get(SEARCH)
    assert "Showing 1–25 of 60 customers" in page_text(first)

    last = alice_on_acme.get(_link(first, "Last »", to_search=True))

    assert last.status_code == 200
    assert "Showing 51–60 of 60 customers" in page_text(last)
    assert _shown_numbers(last) == acme_api.listing(page=3)[0] == list(range(51, 61))
    assert "Last »" not in page_text(last)
    assert "Next ›" not in page_text(last)


def test_a_filtered_sorted_search_pages_and_resizes_keeping_its_parameters(alice_on_acme, acme_api):
    kept = {
        "filter_type": ["field-search"],
        "filter_field": ["contact:email"],
        "filter_value": ["example"],
        "order_field": ["address:city"],
        "order_direction": ["desc"],
    }
    params = {key: values[0] for key, values in kept.items()}
    first = alice_on_acme.get(SEARCH, {**params, "page_size": 10}, follow=True)
    expected_total = acme_api.listing(**params)[1]
    assert f"Showing 1–10 of {expected_total} customers" in page_text(first)

    last_href = _link(first, "Last »", to_search=True)
    last = alice_on_acme.get(last_href)
    last_page = -(-expected_total // 10)

    assert _query(last_href) == {**kept, "page_size": ["10"], "page": [str(last_page)]}
    assert _shown_numbers(last) == acme_api.listing(**params, page_size=10, page=last_page)[0]
    assert (
        f"Showing {(last_page - 1) * 10 + 1}–{expected_total} of {expected_total} customers"
        in page_text(last)
    )
    assert _query(_link(last, "« First", to_search=True)) == {**kept, "page_size": ["10"]}
    for size in (25, 50, 100):
        size_href = _link(last, str(size), to_search=True)
        expected_query = {**kept} if size == 25 else {**kept, "page_size": [str(size)]}
        assert _query(size_href) == expected_query  # back to page 1, everything else kept


@pytest.mark.parametrize("page_size", [10, 50, 100])
def test_changing_the_page_size_shows_that_many_rows_from_the_first(
    alice_on_acme, acme_api, page_size
):
    page_two = alice_on_acme.get(SEARCH, {"page": 2})
    href = _link(page_two, str(page_size), to_search=True)

    response = alice_on_acme.get(href)

    assert _query(href) == {"page_size": [str(page_size)]}
    assert _shown_numbers(response) == acme_api.listing(page_size=page_size)[0]
    shown = min(page_size, ACME["customers"])
    assert f"Showing 1–{shown} of 60 customers" in page_text(response)


def test_a_page_beyond_the_last_goes_to_the_last_page(alice_on_acme):
    response = alice_on_acme.get(SEARCH, {"page": 99}, follow=True)

    assert response.redirect_chain[-1][0] == f"{SEARCH}?page=3"
    assert "Showing 51–60 of 60 customers" in page_text(response)


# --- the account behind a shared URL -------------------------------------------------------


@pytest.fixture
def bob_on_globex(alice_on_acme, bob, sandbox_account, sandbox_url):
    """Bob in his own browser, with an active connection to a different sandbox account."""
    sandbox_account("globex", **GLOBEX)
    connect(bob, base_url=sandbox_url, label="Globex", api_user="globex-api", api_key="globex-key")
    browser = Client()
    browser.force_login(bob)
    return browser


SHARED_URL = SEARCH + "?order_field=name&page_size=100"


def _expected_for_shared_url(sandbox_url, account):
    api = SandboxApi(sandbox_url, account["api_user"], account["api_key"])
    return api.listing(order_field="name", page_size=100)[0]


def test_a_shared_url_opened_by_bob_shows_his_accounts_customers(
    alice_on_acme, bob_on_globex, sandbox_url
):
    response = bob_on_globex.get(SHARED_URL)

    assert response.status_code == 200
    assert _shown_numbers(response) == _expected_for_shared_url(sandbox_url, GLOBEX)
    assert "of 45 customers" in page_text(response)


def test_a_shared_url_opened_by_bob_after_alice_warmed_the_cache_still_shows_his_customers(
    alice_on_acme, bob_on_globex, sandbox_url
):
    alices = alice_on_acme.get(SHARED_URL)
    bobs = bob_on_globex.get(SHARED_URL)

    assert _shown_numbers(alices) == _expected_for_shared_url(sandbox_url, ACME)
    assert _shown_numbers(bobs) == _expected_for_shared_url(sandbox_url, GLOBEX)
    assert _shown_numbers(bobs) != _shown_numbers(alices)
    assert "of 45 customers" in page_text(bobs)
    assert "of 60 customers" in page_text(alice_on_acme.get(SHARED_URL))


# --- the detail page -----------------------------------------------------------------------


def _facts(response) -> list[tuple[str, str]]:
    """The (label, value) pairs of the detail page's <dl>s, as text."""
    pairs = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", response.content.decode(), re.S)
    return [(label, value) for label, value in pairs]


def _address_facts(response) -> dict[str, str]:
    html = response.content.decode()
    section = html.split("<h2>Address</h2>", 1)[1].split("</dl>", 1)[0]
    return dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", section, re.S))


def test_the_detail_page_shows_a_current_record_with_its_first_address_line(
    alice_on_acme, acme_api
):
    current = next(
        c
        for c in acme_api.everyone()
        if c.get("address", {}).get("address_line_1") and c.get("updated_at")
    )

    response = alice_on_acme.get(reverse("customers:detail", args=[current["customer_no"]]))

    assert response.status_code == 200
    address = _address_facts(response)
    assert address["Address line 1"] == current["address"]["address_line_1"]
    assert address["City"] == current["address"]["city"]
    updated = dict(_facts(response))["Updated"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", updated)


def test_the_detail_page_shows_an_older_records_street_address_as_address_line_1(
    alice_on_acme, acme_api
):
    older = next(c for c in acme_api.everyone() if "street_address" in c.get("address", {}))

    response = alice_on_acme.get(reverse("customers:detail", args=[older["customer_no"]]))

    assert response.status_code == 200
    address = _address_facts(response)
    assert address["Address line 1"] == older["address"]["street_address"]
    assert address["City"] == older["address"]["city"]
    facts = dict(_facts(response))
    assert facts["Updated"] == "—"  # older records have updated_at: null
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", facts["Created"])


def test_an_unknown_customer_number_is_a_404_page_that_says_so(alice_on_acme):
    response = alice_on_acme.get(reverse("customers:detail", args=[99999]))

    assert response.status_code == 404
    assert "No customer 99999" in page_text(response)
    assert "has no customer with number 99999" in page_text(response)


# --- hostile records -----------------------------------------------------------------------

QUICK_ALERT = {"filter_type": "special", "filter_field": "search", "filter_value": "alert"}


def test_hostile_records_are_escaped_in_the_list(alice_on_acme, acme_api):
    expected, total = acme_api.listing(**QUICK_ALERT)

    response = alice_on_acme.get(SEARCH, QUICK_ALERT)
    html = response.content.decode()

    assert total >= 2
    assert _shown_numbers(response) == expected
    assert ESCAPED_SCRIPT in html
    assert RAW_SCRIPT not in html
    assert "<img src=x" not in html
    assert "<svg" not in html


def test_hostile_records_are_escaped_on_their_detail_pages(alice_on_acme, acme_api):
    numbers, _ = acme_api.listing(**QUICK_ALERT)

    pages = [alice_on_acme.get(reverse("customers:detail", args=[n])) for n in numbers]

    assert numbers
    assert all(page.status_code == 200 for page in pages)
    html = "".join(page.content.decode() for page in pages)
    assert ESCAPED_SCRIPT in html
    assert RAW_SCRIPT not in html
    assert "<script>alert(2)</script>" not in html
    assert "<img src=x" not in html
    assert "<svg" not in html
    assert "<iframe" not in html
    assert "<b>not bold</b>" not in html


def test_a_quick_search_for_a_script_is_echoed_escaped(alice_on_acme):
    response = alice_on_acme.get(
        SEARCH, {"filter_type": "special", "filter_field": "search", "filter_value": RAW_SCRIPT}
    )

    assert response.status_code == 200
    assert f'value="{ESCAPED_SCRIPT}"' in page_text(response)  # the search box keeps it
    assert RAW_SCRIPT not in response.content.decode()


# --- back to results -----------------------------------------------------------------------


def test_a_detail_link_carries_the_search_and_the_detail_page_links_back_to_it(alice_on_acme):
    search_url = (
        SEARCH + "?"
        + urlencode(
            {
                "filter_type": "field-search",
                "filter_field": "contact:email",
                "filter_value": "example",
                "order_field": "name",
                "order_direction": "desc",
                "page_size": 10,
                "page": 2,
            }
        )
    )  # fmt: skip
    results = alice_on_acme.get(search_url)
    assert results.status_code == 200  # already the canonical URL: no redirect
    first_detail = next(
        href for href, _ in _parsed(results).links if re.match(r"/customers/\d+/\?", href)
    )

    detail = alice_on_acme.get(first_detail)

    assert _query(first_detail)["back"] == [search_url]
    assert detail.status_code == 200
    assert _link(detail, "‹ Back to results") == search_url


HOSTILE_BACKS = {
    "other site": "back=https%3A%2F%2Fevil.example",
    "scheme-relative": "back=%2F%2Fevil.example",
    "backslash": "back=%2F%5Cevil.example",
    "javascript": "back=javascript%3Aalert(1)",
    "double-encoded": "back=%252F%252Fevil.example",
    "raw percent-encoded slashes": "back=%2F%2Fevil.example%2Fcustomers%2F",
}


@pytest.mark.parametrize("querystring", HOSTILE_BACKS.values(), ids=HOSTILE_BACKS.keys())
def test_a_hostile_back_value_falls_back_to_the_search(alice_on_acme, querystring):
    response = alice_on_acme.get(f"{reverse('customers:detail', args=[1])}?{querystring}")

    assert response.status_code == 200
    assert _link(response, "‹ Back to results") == SEARCH
    assert "evil.example" not in response.content.decode()


def test_a_back_value_climbing_out_of_the_search_with_dot_dot_falls_back_to_the_search(
    alice_on_acme,
):
    # A browser would resolve "/customers/../admin/" to /admin/: only the search page itself.
    response = alice_on_acme.get(
        reverse("customers:detail", args=[1]) + "?back=%2Fcustomers%2F..%2Fadmin%2F"
    )

    assert response.status_code == 200
    assert _link(response, "‹ Back to results") == SEARCH


def test_the_404_page_also_refuses_a_hostile_back_value(alice_on_acme):
    response = alice_on_acme.get(
        reverse("customers:detail", args=[99999]) + "?back=https%3A%2F%2Fevil.example"
    )

    assert response.status_code == 404
    assert _link(response, "‹ Back to results") == SEARCH


# --- upstream failures as pages ------------------------------------------------------------


def _still_logged_in(browser, user) -> bool:
    response = browser.get(reverse("connections:list"))
    return response.status_code == 200 and response.wsgi_request.user == user


@pytest.fixture
def fast_retries(settings):
    settings.BILLOGRAM_BACKOFF = 0.01


def test_a_wrong_api_password_is_a_502_with_a_link_to_the_connection_settings(
    client, alice, acme, sandbox_url
):
    connect(alice, base_url=sandbox_url, api_key="not-the-key")
    client.force_login(alice)

    search = client.get(SEARCH)
    detail = client.get(reverse("customers:detail", args=[1]))

    for response in (search, detail):
        assert response.status_code == 502
        assert "Billogram refused the API credentials" in page_text(response)
        assert _link(response, "Open your connection settings") == reverse("connections:list")
        assert "not-the-key" not in response.content.decode()
    assert _still_logged_in(client, alice)


FAULTS = {
    "503": ({"fault": "error_503"}, 503, "Billogram is not answering right now"),
    "html error page": ({"fault": "html_error"}, 502, "Billogram is not answering right now"),
    "rate limited": (
        {"fault": "rate_limit", "retry_after": 7},
        429,
        "Billogram asks to wait 7 s before the next request",
    ),
}


@pytest.mark.parametrize(("fault", "status", "message"), FAULTS.values(), ids=FAULTS.keys())
@pytest.mark.parametrize("page", ["search", "detail"])
def test_an_upstream_fault_is_shown_as_a_page_with_its_status_and_keeps_the_user_logged_in(
    alice_on_acme, alice, acme, fast_retries, fault, status, message, page
):
    for name, value in fault.items():
        setattr(acme, name, value)
    acme.save()
    url = SEARCH if page == "search" else reverse("customers:detail", args=[1])

    response = alice_on_acme.get(url)

    assert response.status_code == status
    assert message in page_text(response)
    assert "Request id:" in page_text(response)
    assert "Open your connection settings" not in page_text(response)
    assert _still_logged_in(alice_on_acme, alice)


def test_no_page_of_a_failing_account_is_a_500(alice_on_acme, alice, acme, fast_retries):
    urls = [
        SEARCH,
        SEARCH + "?" + urlencode(QUICK_ALERT),
        SEARCH + "?order_field=created_at&order_direction=desc&page_size=100",
        reverse("customers:detail", args=[1]),
        reverse("customers:detail", args=[99999]),
    ]
    statuses = []
    for fault in ["error_503", "html_error", "rate_limit", "malformed_json", "error_500"]:
        acme.fault = fault
        acme.save()
        cache.clear()
        statuses += [(fault, url, alice_on_acme.get(url).status_code) for url in urls]

    assert [s for s in statuses if s[2] == 500] == []
    # (malformed_json only breaks answers that have a body: an unknown customer stays a 404)
    assert {status for *_, status in statuses} == {404, 429, 502, 503}
    assert _still_logged_in(alice_on_acme, alice)
