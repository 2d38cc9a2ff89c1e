"""Billogram's filter and order parameters on the sandbox's GET /customer.

Every expected result is built in Python from the seeded customer documents (see contract.py)
and compared with what the API answers.
"""

import pytest

from customers.api_fields import FILTER_FIELDS, FILTER_TYPES, ORDER_DIRECTIONS, ORDER_FIELDS
from tests.sandbox.contract import (
    LIST_URL,
    SEARCH_FIELDS,
    expected_numbers,
    expected_order,
    field_value,
    json_body,
    swap_ascii_case,
)

FIELD_TYPES = ["field", "field-prefix", "field-search"]


def listed(api, params, page_size=100):
    response = api(LIST_URL, {"page_size": page_size, **params})
    assert response.status_code == 200, response.content
    body = json_body(response)
    return [c["customer_no"] for c in body["data"]], body["meta"]["total_count"]


def filtered(api, filter_type, field, value):
    """(every matching customer number over all pages, total_count) for one filter."""
    params = {"filter_type": filter_type, "filter_field": field, "filter_value": value}
    found, totals, page = [], set(), 1
    while True:
        numbers, total = listed(api, {**params, "page": page})
        found += numbers
        totals.add(total)
        if len(numbers) < 100:
            assert len(totals) == 1  # every page reports the same total
            return found, total
        page += 1


def assert_invalid(response, field):
    assert response.status_code == 400, response.content
    body = json_body(response)
    assert body["status"] == "INVALID_QUERY_PARAMETER"
    assert body["data"]["field"] == field


# --- the filter triple ---------------------------------------------------------------------

TRIPLE = {"filter_type": "field", "filter_field": "name", "filter_value": "x"}
PARTIAL_TRIPLES = [
    ("filter_type",),
    ("filter_field",),
    ("filter_value",),
    ("filter_type", "filter_field"),
    ("filter_type", "filter_value"),
    ("filter_field", "filter_value"),
]


@pytest.mark.parametrize("given", PARTIAL_TRIPLES, ids="+".join)
def test_the_three_filter_parameters_must_come_together(api, acme, given):
    response = api(LIST_URL, {name: TRIPLE[name] for name in given})

    assert response.status_code == 400
    body = json_body(response)
    assert body["status"] == "MISSING_QUERY_PARAMETER"
    assert body["data"]["field"] in set(TRIPLE) - set(given)


def test_an_empty_filter_value_counts_as_missing(api, acme):
    response = api(LIST_URL, {**TRIPLE, "filter_value": ""})

    assert response.status_code == 400
    body = json_body(response)
    assert body["status"] == "MISSING_QUERY_PARAMETER"
    assert body["data"]["field"] == "filter_value"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        pytest.param({**TRIPLE, "filter_type": "regex"}, "filter_type", id="unknown-type"),
        pytest.param({**TRIPLE, "filter_field": "shoe_size"}, "filter_field", id="unknown-field"),
        pytest.param({"order_field": "notes"}, "order_field", id="filter-only-field-as-order"),
        pytest.param({"order_field": "shoe_size"}, "order_field", id="unknown-order-field"),
        pytest.param({"order_direction": "up"}, "order_direction", id="bad-direction"),
        pytest.param(
            {"order_field": "name", "order_direction": "DESCENDING"},
            "order_direction",
            id="bad-direction-with-field",
        ),
    ],
)
def test_it_rejects_unknown_filter_and_order_names(api, acme, params, field):
    assert_invalid(api(LIST_URL, params), field)


@pytest.mark.parametrize("field", ["name", "customer_no", "address:city"])
def test_special_only_goes_with_the_search_field(api, acme, field):
    response = api(LIST_URL, {"filter_type": "special", "filter_field": field, "filter_value": "a"})

    assert response.status_code == 400
    assert json_body(response)["status"] == "INVALID_QUERY_PARAMETER"


@pytest.mark.parametrize("filter_type", FIELD_TYPES)
def test_the_search_field_only_goes_with_special(api, acme, filter_type):
    params = {"filter_type": filter_type, "filter_field": "search", "filter_value": "a"}
    response = api(LIST_URL, params)

    assert response.status_code == 400
    assert json_body(response)["status"] == "INVALID_QUERY_PARAMETER"


def test_the_filter_types_tested_here_are_all_of_billograms():
    # The parametrized tests below cover these types; this guards against a new one slipping in.
    assert set(FILTER_TYPES) == {*FIELD_TYPES, "special"}


# --- every filter field, every field filter type ------------------------------------------


def probe_value(documents, field, filter_type):
    """A filter value taken from the data: a whole value, a prefix or a middle substring.

    Prefix and substring probes flip the case of ASCII letters to prove case does not matter;
    they avoid non-ASCII letters, whose case folding has tests of its own below.
    """
    middle = len(documents) // 2
    for document in documents[middle:] + documents[:middle]:
        value = field_value(document, field)
        if value in (None, ""):
            continue
        value = str(value)
        if filter_type == "field":
            return value
        piece = value[:3] if filter_type == "field-prefix" else value[1:5] or value
        # (whitespace at either end of a value has a test of its own)
        if piece == piece.strip() and piece and piece.isascii():
            return swap_ascii_case(piece)
    raise AssertionError(f"no usable value for {field} in the seeded data")


@pytest.mark.parametrize("filter_type", FIELD_TYPES)
@pytest.mark.parametrize("field", list(FILTER_FIELDS))
def test_every_filter_field_finds_exactly_the_matching_customers(
    api, big_documents, field, filter_type
):
    value = probe_value(big_documents, field, filter_type)
    expected = expected_numbers(big_documents, filter_type, field, value)
    assert expected  # the probe comes from the data, so something must match

    found, total = filtered(api, filter_type, field, value)

    assert found == expected
    assert total == len(expected)


@pytest.mark.parametrize("block", ["address", "delivery_address"])
def test_street_address_matches_the_first_line_in_both_record_shapes(api, big_documents, block):
    with_block = [d for d in big_documents if isinstance(d.get(block), dict)]
    older = next(d for d in with_block if d[block].get("street_address"))
    current = next(d for d in with_block if d[block].get("address_line_1"))
    field = f"{block}:street_address"

    found_older, _ = filtered(api, "field", field, older[block]["street_address"])
    found_current, _ = filtered(api, "field", field, current[block]["address_line_1"])
    by_substring, _ = filtered(api, "field-search", field, "GATAN")

    assert older["customer_no"] in found_older
    assert current["customer_no"] in found_current
    assert by_substring == expected_numbers(big_documents, "field-search", field, "GATAN")
    shapes = {"street_address" in d[block] for d in with_block if d["customer_no"] in by_substring}
    assert shapes == {True, False}  # a substring search finds both shapes


def test_an_exact_customer_no_filter_finds_one_customer(api, acme):
    assert filtered(api, "field", "customer_no", "42") == ([42], 1)


def test_an_exact_customer_no_filter_with_a_non_number_finds_nothing(api, acme):
    assert filtered(api, "field", "customer_no", "abc") == ([], 0)


def test_an_exact_filter_does_not_match_a_prefix(api, acme_documents):
    name = acme_documents[0]["name"]

    found, _ = filtered(api, "field", "name", name[:-1])

    assert acme_documents[0]["customer_no"] not in found


def test_a_prefix_filter_only_matches_at_the_start(api, acme_documents):
    # every Swedish customer's country is "SE": it contains "e" but does not start with it
    swedish = expected_numbers(acme_documents, "field", "address:country", "SE")
    assert swedish

    assert filtered(api, "field-prefix", "address:country", "e") == ([], 0)
    assert filtered(api, "field-search", "address:country", "e") == (swedish, len(swedish))


# --- case folding beyond ASCII: å, ä, ö --------------------------------------------------


def test_a_lower_case_prefix_finds_a_city_starting_with_a_capital_o_umlaut(api, big_documents):
    expected = expected_numbers(big_documents, "field-prefix", "address:city", "öst")
    assert expected
    assert all(
        d["address"]["city"] == "Östersund" for d in big_documents if d["customer_no"] in expected
    )

    assert filtered(api, "field-prefix", "address:city", "öst") == (expected, len(expected))


def test_an_upper_case_prefix_finds_a_city_starting_with_a_capital_o_umlaut(api, big_documents):
    expected = expected_numbers(big_documents, "field-prefix", "address:city", "ÖSTER")
    assert expected

    assert filtered(api, "field-prefix", "address:city", "ÖSTER") == (expected, len(expected))


# Lower-case å/ä/ö *inside* a stored value: SQLite's own UPPER() folds ASCII only, so these
# hold only because the sandbox teaches SQLite a Unicode UPPER (sandbox/apps.py).
def test_a_prefix_with_an_o_umlaut_in_any_case_finds_goteborg(api, big_documents):
    for value in ("Göte", "göte", "GÖTE"):
        expected = expected_numbers(big_documents, "field-prefix", "address:city", value)
        assert expected

        assert filtered(api, "field-prefix", "address:city", value) == (expected, len(expected))


def test_a_substring_with_a_ring_a_in_any_case_finds_boras_and_vasteras(api, big_documents):
    for value in ("ås", "ÅS", "Ås"):
        expected = expected_numbers(big_documents, "field-search", "address:city", value)
        cities = {d["address"]["city"] for d in big_documents if d["customer_no"] in expected}
        assert {"Borås", "Västerås"} <= cities

        assert filtered(api, "field-search", "address:city", value) == (expected, len(expected))


def test_a_substring_with_an_o_umlaut_finds_names_in_any_case(api, big_documents):
    for value in ("ström", "STRÖM"):
        expected = expected_numbers(big_documents, "field-search", "name", value)
        assert expected

        assert filtered(api, "field-search", "name", value) == (expected, len(expected))


# --- the filter value is taken as given -------------------------------------------------


# The value is matched as sent: "Erik " must not find "Eriksson".
def test_a_substring_with_a_trailing_space_is_searched_with_that_space(api, big_documents):
    expected = expected_numbers(big_documents, "field-search", "name", "Erik ")
    everyone_named_erik = expected_numbers(big_documents, "field-search", "name", "Erik")
    assert expected
    assert set(expected) < set(everyone_named_erik)  # "Eriksson ..." has no "Erik "

    assert filtered(api, "field-search", "name", "Erik ") == (expected, len(expected))


# Spaces are part of an exact value.
def test_an_exact_filter_with_a_leading_space_matches_nothing(api, acme_documents):
    name = acme_documents[0]["name"]
    assert name == name.strip()

    assert filtered(api, "field", "name", " " + name) == ([], 0)


# A value of only spaces searches for spaces, not for everything.
def test_a_search_for_only_spaces_is_not_a_match_all(api, acme_documents):
    expected = expected_numbers(acme_documents, "special", "search", "   ")

    assert filtered(api, "special", "search", "   ") == (expected, len(expected))


@pytest.mark.parametrize("value", ["%", "_", "%a%", "\\"])
@pytest.mark.parametrize(
    ("filter_type", "field"),
    [("field-search", "name"), ("field-prefix", "name"), ("special", "search")],
)
def test_sql_wildcards_in_a_value_are_matched_literally(
    api, acme_documents, filter_type, field, value
):
    expected = expected_numbers(acme_documents, filter_type, field, value)

    assert filtered(api, filter_type, field, value) == (expected, len(expected))


# --- special: full-data search -------------------------------------------------------------


@pytest.mark.parametrize("field", SEARCH_FIELDS)
def test_special_search_looks_in_each_of_the_main_fields(api, big_documents, field):
    document = next(d for d in big_documents[100:] if field_value(d, field) not in (None, ""))
    value = str(field_value(document, field))

    found, total = filtered(api, "special", "search", value)

    assert document["customer_no"] in found
    assert found == expected_numbers(big_documents, "special", "search", value)
    assert total == len(found)


@pytest.mark.parametrize("value", ["ÖSTERSUND", "östersund", "LINDSTRÖM", "Example.SE", "åberg"])
def test_special_search_ignores_case_including_swedish_letters(api, big_documents, value):
    expected = expected_numbers(big_documents, "special", "search", value)
    assert expected

    assert filtered(api, "special", "search", value) == (expected, len(expected))


def test_special_search_finds_a_customer_by_a_piece_of_its_number(api, big_documents):
    found, _ = filtered(api, "special", "search", "137")

    assert 137 in found
    assert found == expected_numbers(big_documents, "special", "search", "137")


def test_special_search_with_no_match_is_an_empty_page(api, acme):
    assert filtered(api, "special", "search", "zzzz-no-such-thing") == ([], 0)


def test_a_filter_combines_with_an_order_and_paging(api, big_documents):
    params = {"filter_type": "special", "filter_field": "search", "filter_value": "AB"}
    matching = [d for d in big_documents if d["customer_no"] in
                expected_numbers(big_documents, "special", "search", "AB")]  # fmt: skip
    expected = expected_order(matching, "name", "desc")
    assert len(expected) > 10

    second_page, total = listed(
        api, {**params, "order_field": "name", "order_direction": "desc", "page": 2}, page_size=10
    )

    assert second_page == expected[10:20]
    assert total == len(expected)


# --- ordering ------------------------------------------------------------------------------


def test_the_default_order_is_customer_no_ascending(api, acme_documents):
    found, _ = listed(api, {})

    assert found == [d["customer_no"] for d in acme_documents] == list(range(1, 61))


@pytest.mark.parametrize("direction", list(ORDER_DIRECTIONS))
@pytest.mark.parametrize("field", list(ORDER_FIELDS))
def test_every_order_field_sorts_like_python_with_ties_by_customer_no(
    api, acme_documents, field, direction
):
    found, _ = listed(api, {"order_field": field, "order_direction": direction})

    assert found == expected_order(acme_documents, field, direction)


@pytest.mark.parametrize("field", list(ORDER_FIELDS))
def test_an_order_field_alone_sorts_ascending(api, acme_documents, field):
    found, _ = listed(api, {"order_field": field})

    assert found == expected_order(acme_documents, field, "asc")


@pytest.mark.parametrize(
    ("field", "direction", "nulls_at"),
    [
        ("updated_at", "asc", "start"),
        ("updated_at", "desc", "end"),
        ("delivery_address:city", "asc", "start"),
        ("delivery_address:city", "desc", "end"),
    ],
)
def test_nulls_come_first_ascending_and_last_descending(
    api, acme_documents, field, direction, nulls_at
):
    nulls = [d["customer_no"] for d in acme_documents if field_value(d, field) is None]
    assert 0 < len(nulls) < len(acme_documents)

    found, _ = listed(api, {"order_field": field, "order_direction": direction})

    ends = found[: len(nulls)] if nulls_at == "start" else found[-len(nulls) :]
    assert sorted(ends) == sorted(nulls)
    # ...and among themselves the nulls follow customer_no in the same direction
    assert ends == sorted(nulls, reverse=direction == "desc")


def test_timestamps_of_both_shapes_sort_as_moments_in_time(api, acme_documents):
    found, _ = listed(api, {"order_field": "created_at"})
    older_shape = {d["customer_no"] for d in acme_documents if "language" not in d}
    assert older_shape and len(older_shape) < len(acme_documents)

    # the seed creates customers in customer-number order, whichever shape each one has
    assert found == list(range(1, 61))


@pytest.mark.parametrize("direction", list(ORDER_DIRECTIONS))
@pytest.mark.parametrize("field", list(ORDER_FIELDS))
def test_paging_through_an_order_gives_every_customer_exactly_once(
    fetch_all, acme_documents, field, direction
):
    every_page, totals = fetch_all(
        {"order_field": field, "order_direction": direction}, page_size=7
    )

    assert totals == {60}
    assert every_page == expected_order(acme_documents, field, direction)
    assert sorted(every_page) == list(range(1, 61))


# --- bounded queries (not a timing) --------------------------------------------------------

FILTERED_ORDERED_PAGE = {
    "filter_type": "field-search",
    "filter_field": "contact:email",
    "filter_value": "example",
    "order_field": "address:city",
    "order_direction": "desc",
    "page": 2,
    "page_size": 10,
}


@pytest.mark.parametrize("customers", [30, 150])
def test_a_filtered_ordered_page_takes_at_most_3_queries_whatever_the_account_size(
    api, sandbox_account, django_assert_max_num_queries, customers
):
    sandbox_account("acme", customers=customers)

    with django_assert_max_num_queries(3):
        response = api(LIST_URL, FILTERED_ORDERED_PAGE)

    assert response.status_code == 200
    assert len(json_body(response)["data"]) == 10


@pytest.mark.parametrize("customers", [30, 150])
def test_a_special_search_page_takes_at_most_3_queries(
    api, sandbox_account, django_assert_max_num_queries, customers
):
    sandbox_account("acme", customers=customers)
    params = {"filter_type": "special", "filter_field": "search", "filter_value": "a"}

    with django_assert_max_num_queries(3):
        response = api(LIST_URL, {**params, "order_field": "name"})

    assert json_body(response)["meta"]["total_count"] > 0


def test_one_customer_takes_at_most_2_queries(api, acme, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = api("/sandbox/api/v2/customer/12")

    assert response.status_code == 200


def test_a_page_reads_only_its_own_rows_and_counts_the_rest(
    api, sandbox_account, django_assert_max_num_queries
):
    sandbox_account("acme", customers=150)

    with django_assert_max_num_queries(3) as captured:
        api(LIST_URL, FILTERED_ORDERED_PAGE)

    customer_queries = [q["sql"] for q in captured if "sandbox_sandboxcustomer" in q["sql"]]
    assert any("COUNT(" in sql.upper() for sql in customer_queries)
    # every other read of the customer table is limited to one page
    assert all("COUNT(" in sql.upper() or " LIMIT " in sql.upper() for sql in customer_queries)
