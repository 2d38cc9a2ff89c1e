"""The customer table: sort links only where Billogram can sort, and cells that stay text."""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from customers.query import SearchQuery
from customers.records import CustomerRow
from customers.tables import CustomerTable
from tests.helpers import parse

SORTABLE_COLUMNS = {
    "customer_no": "customer_no",
    "name": "name",
    "org_no": "org_no",
    "contact_email": "contact:email",
    "contact_phone": "contact:phone",
    "city": "address:city",
    "created_at": "created_at",
}
UNSORTABLE_COLUMNS = {"company_type", "contact_name", "country"}
HOSTILE = '"><img src=x onerror=alert(1)><script>alert(2)</script>'
FILTERED = SearchQuery(
    page=3,
    page_size=50,
    filter_type="field-search",
    filter_field="name",
    filter_value="AB & Co",
)


def customer(**fields) -> CustomerRow:
    return CustomerRow.from_api(
        {
            "customer_no": 1017,
            "name": "Acme AB",
            "org_no": "556677-8899",
            "company_type": "business",
            "contact": {"name": "Ada", "email": "ada@acme.test", "phone": "+46 70 000 00 00"},
            "address": {"city": "Malmö", "country": "SE"},
            "created_at": "2017-07-18 07:22:43",
            **fields,
        }
    )


def headers_by_name(query: SearchQuery):
    return {header.name: header for header in CustomerTable([], query=query).headers()}


# --- headers ----------------------------------------------------------------------------------


def test_the_table_has_every_column_in_order_with_its_label():
    headers = CustomerTable([], query=SearchQuery()).headers()

    assert [(header.name, header.label) for header in headers] == [
        ("customer_no", "Customer no."),
        ("name", "Name"),
        ("org_no", "Org. no."),
        ("company_type", "Type"),
        ("contact_name", "Contact"),
        ("contact_email", "Email"),
        ("contact_phone", "Phone"),
        ("city", "City"),
        ("country", "Country"),
        ("created_at", "Created"),
    ]


def test_only_columns_billogram_can_sort_on_have_a_sort_link():
    headers = headers_by_name(SearchQuery())

    assert {name for name, header in headers.items() if header.querystring is not None} == set(
        SORTABLE_COLUMNS
    )
    for name in UNSORTABLE_COLUMNS:
        assert headers[name].querystring is None
        assert headers[name].aria_sort is None


@pytest.mark.parametrize(("column", "order_field"), sorted(SORTABLE_COLUMNS.items()))
def test_each_sort_link_sorts_billogram_by_that_column(column, order_field):
    header = headers_by_name(FILTERED)[column]

    sorted_query = parse(header.querystring)

    assert sorted_query.order_field == order_field
    assert sorted_query.page == 1


@pytest.mark.parametrize(
    ("order_field", "order_direction", "column", "aria_sort"),
    [
        ("customer_no", "asc", "customer_no", "ascending"),
        ("name", "desc", "name", "descending"),
        ("address:city", "asc", "city", "ascending"),
        ("contact:email", "desc", "contact_email", "descending"),
        ("created_at", "desc", "created_at", "descending"),
    ],
)
def test_only_the_sorted_column_carries_aria_sort_matching_the_query(
    order_field, order_direction, column, aria_sort
):
    headers = headers_by_name(SearchQuery(order_field=order_field, order_direction=order_direction))

    assert headers[column].aria_sort == aria_sort
    assert {name for name, header in headers.items() if header.aria_sort} == {column}


def test_no_column_carries_aria_sort_when_sorted_by_a_field_without_a_column():
    headers = headers_by_name(SearchQuery(order_field="updated_at", order_direction="desc"))

    assert all(header.aria_sort is None for header in headers.values())


def test_the_link_of_the_column_sorted_ascending_sorts_it_descending():
    headers = headers_by_name(SearchQuery(order_field="name"))

    assert headers["name"].querystring == "?order_field=name&order_direction=desc"
    assert parse(headers["name"].querystring).order_direction == "desc"


def test_the_link_of_the_default_sorted_column_sorts_it_descending():
    headers = headers_by_name(SearchQuery())

    assert headers["customer_no"].aria_sort == "ascending"
    assert headers["customer_no"].querystring == "?order_direction=desc"


def test_the_link_of_the_column_sorted_descending_sorts_it_ascending_again():
    headers = headers_by_name(SearchQuery(order_field="name", order_direction="desc"))

    assert headers["name"].querystring == "?order_field=name"


def test_the_link_of_another_column_sorts_it_ascending():
    headers = headers_by_name(SearchQuery(order_field="name", order_direction="desc"))

    assert headers["city"].querystring == "?order_field=address%3Acity"


def test_sort_links_keep_the_filter_and_page_size_and_go_to_page_one():
    headers = headers_by_name(FILTERED)

    for column in SORTABLE_COLUMNS:
        sorted_query = parse(headers[column].querystring)
        assert (sorted_query.filter_type, sorted_query.filter_field, sorted_query.filter_value) == (
            "field-search",
            "name",
            "AB & Co",
        )
        assert sorted_query.page_size == 50
        assert sorted_query.page == 1


# --- cells ------------------------------------------------------------------------------------


def rendered_cells(table: CustomerTable) -> list[list[str]]:
    """The body cells of customers/_table.html: the first as HTML, the rest as text."""
    request = RequestFactory().get("/customers/")
    html = render_to_string("customers/_table.html", {"table": table}, request=request)
    body = html.split("<tbody>", 1)[1]
    rows = re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)
    cells = [re.findall(r"<td>(.*?)</td>", row, flags=re.S) for row in rows]
    return [[row[0], *(unescape(cell.strip()) for cell in row[1:])] for row in cells]


def test_the_customer_number_links_to_the_detail_page_with_a_way_back_to_the_search():
    table = CustomerTable([customer()], query=FILTERED)

    link = rendered_cells(table)[0][0]

    href = link.split('href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    url = urlsplit(href)
    assert url.path == "/customers/1017/"
    assert parse_qs(url.query) == {"back": ["/customers/" + FILTERED.querystring()]}
    assert ">1017</a>" in link


def test_the_way_back_from_the_default_search_is_the_bare_search_page():
    table = CustomerTable([customer()], query=SearchQuery())

    link = rendered_cells(table)[0][0]

    assert 'href="/customers/1017/?back=%2Fcustomers%2F"' in link


def test_the_cells_show_the_customer_and_a_dash_for_what_is_missing():
    table = CustomerTable(
        [CustomerRow.from_api({"customer_no": 5, "name": "Bo"})], query=SearchQuery()
    )

    cells = rendered_cells(table)[0]

    assert cells[1] == "Bo"
    assert cells[2:] == ["—"] * 8


def test_the_cells_show_nested_contact_and_address_fields():
    cells = rendered_cells(CustomerTable([customer()], query=SearchQuery()))[0]

    assert cells[1:] == [
        "Acme AB",
        "556677-8899",
        "business",
        "Ada",
        "ada@acme.test",
        "+46 70 000 00 00",
        "Malmö",
        "SE",
        "2017-07-18",
    ]


HOSTILE_CUSTOMER = {
    "customer_no": 66,
    "name": HOSTILE,
    "org_no": HOSTILE,
    "company_type": HOSTILE,
    "contact": {"name": HOSTILE, "email": HOSTILE, "phone": HOSTILE},
    "address": {"city": HOSTILE, "country": HOSTILE},
}


def test_hostile_customer_fields_render_escaped_in_the_rows():
    table = CustomerTable([CustomerRow.from_api(HOSTILE_CUSTOMER)], query=SearchQuery())

    request = RequestFactory().get("/customers/")
    html = render_to_string("customers/_table.html", {"table": table}, request=request)
    html = html.split("<tbody>", 1)[1]

    assert "<script" not in html
    assert "<img" not in html
    assert html.count("&lt;script&gt;alert(2)&lt;/script&gt;") == 8
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in html


def test_hostile_customer_fields_and_search_render_escaped_in_the_table_template():
    hostile_search = SearchQuery(
        filter_type="special", filter_field="search", filter_value=HOSTILE, order_field="name"
    )
    table = CustomerTable([CustomerRow.from_api(HOSTILE_CUSTOMER)], query=hostile_search)
    request = RequestFactory().get("/customers/" + hostile_search.querystring())

    html = render_to_string("customers/_table.html", {"table": table}, request=request)

    assert "<script" not in html
    assert "<img" not in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html
    assert 'aria-sort="ascending" class="col-name"' in html
