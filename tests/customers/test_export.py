"""CSV export: every match in order, readable headers, formula cells neutralised, a cap, and an
explicit error line when Billogram fails part-way."""

import csv
import io
import json

import pytest
from django.urls import reverse
from werkzeug import Response

from audit.models import AuditEntry
from customers import billogram
from customers.billogram import BillogramClient
from customers.export import HEADERS, export_lines, neutralise
from customers.query import SearchQuery
from customers.records import Customer, CustomerPage
from sandbox.models import SandboxCustomer
from tests.helpers import connected_user

SENTINEL = "SENTINEL-export-api-password"


def _rows(content: bytes) -> list[list[str]]:
    assert content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_cells_that_start_like_a_formula_are_neutralised(cell):
    assert neutralise(cell) == "'" + cell


def test_plain_cells_are_left_alone():
    assert neutralise("Åsa Öberg") == "Åsa Öberg"
    assert neutralise("a=b") == "a=b"


def test_headers_are_readable_and_flatten_nested_fields():
    assert HEADERS[:2] == ["customer no", "name"]
    assert "address city" in HEADERS and "contact email" in HEADERS
    assert "edi operator" in HEADERS and "payment settings recurring payment type" in HEADERS
    assert len(HEADERS) == len(set(HEADERS))


@pytest.fixture
def alice(client, transactional_db, sandbox_account, sandbox_url):
    sandbox_account("acme", customers=250, api_key=SENTINEL)
    user = connected_user("alice", base_url=sandbox_url, api_key=SENTINEL)
    client.force_login(user)
    return client


def _export(client, **params):
    response = client.get(reverse("customers:export"), params)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def test_it_exports_every_match_in_the_searchs_order(alice):
    response, body = _export(alice, order_field="name", order_direction="desc", page_size="10")

    rows = _rows(body)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="customers-')
    assert rows[0] == HEADERS
    expected = list(
        SandboxCustomer.objects.filter(account__name="acme")
        .order_by("-name", "-customer_no")
        .values_list("customer_no", flat=True)
    )
    assert [int(row[0]) for row in rows[1:]] == expected
    assert SENTINEL.encode() not in body


def test_it_exports_only_the_matches_of_a_filter(alice):
    _, body = _export(alice, filter_type="field-prefix", filter_field="customer_no",
                      filter_value="2")  # fmt: skip

    numbers = [row[0] for row in _rows(body)[1:]]
    assert numbers and all(number.startswith("2") for number in numbers)
    assert (
        len(numbers)
        == SandboxCustomer.objects.filter(account__name="acme", customer_no__startswith="2").count()
    )


def test_hostile_names_are_neutralised_and_nordic_letters_survive(alice):
    _, body = _export(alice, filter_type="special", filter_field="search", filter_value="=HYPER")

    row = dict(zip(HEADERS, _rows(body)[1], strict=True))
    assert row["name"].startswith("'=HYPERLINK(")


def test_a_search_over_the_cap_is_refused_with_a_clear_message(alice, settings):
    settings.BILLODASH_EXPORT_MAX_ROWS = 100

    response = alice.get(reverse("customers:export"), follow=True)

    assert response.redirect_chain[-1][0] == reverse("customers:search")
    assert "matches 250 customers; an export holds at most 100" in response.content.decode()
    assert AuditEntry.objects.get(action="export").outcome == "refused: 250 rows"


def test_an_export_goes_to_the_audit_trail(alice):
    _export(alice, filter_type="field", filter_field="name", filter_value="x")

    entry = AuditEntry.objects.get(action="export")
    assert entry.details["filter_value"] == "x"
    assert entry.outcome == "started: 0 rows"


def _page_response(numbers, total):
    body = {"status": "OK", "meta": {"total_count": total},
            "data": [{"customer_no": n, "name": f"C{n}"} for n in numbers]}  # fmt: skip
    return Response(json.dumps(body), content_type="application/json")


def test_a_failure_part_way_ends_the_file_with_an_error_line(httpserver, settings, caplog):
    settings.BILLOGRAM_RETRIES = 0
    pages = {1: range(1, 101), 2: range(101, 201), 4: range(301, 351)}
    for page in (2, 3, 4):
        answer = (
            _page_response(pages[page], 350)
            if page in pages
            else Response("<html>down</html>", status=503, content_type="text/html")
        )
        httpserver.expect_request(
            "/api/v2/customer", query_string={"page": str(page), "page_size": "100",
            "order_field": "customer_no", "order_direction": "asc"},
        ).respond_with_response(answer)  # fmt: skip
    client = BillogramClient(base_url=httpserver.url_for("/api/v2"), api_user="u", api_password="p")
    first = CustomerPage(350, tuple(
        Customer.from_api({"customer_no": n}) for n in range(1, 101)
    ))  # fmt: skip

    text = "".join(export_lines(client=client, query=SearchQuery(), first=first, in_flight=2))

    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert [int(r[0]) for r in rows[1:-1]] == list(range(1, 201))
    assert rows[-1][0].startswith("ERROR: export incomplete after 200 rows")
    assert any("export failed after 200 rows" in r.getMessage() for r in caplog.records)
    billogram.close_connections()
