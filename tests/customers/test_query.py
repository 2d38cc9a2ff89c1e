"""SearchQuery: one canonical spelling per search, and the moves the page offers on it."""

from urllib.parse import parse_qsl

import pytest
from django.http import QueryDict
from hypothesis import given, settings
from hypothesis import strategies as st

from customers.api_fields import FILTER_FIELDS, ORDER_FIELDS, SPECIAL_SEARCH_FIELD
from customers.forms import MAX_PAGE
from customers.query import PAGE_SIZES, SearchQuery
from tests.helpers import parse

FILTERED = SearchQuery(
    page=3,
    page_size=50,
    filter_type="field-prefix",
    filter_field="name",
    filter_value="Acme",
    order_field="name",
    order_direction="desc",
)


def given_pairs(querystring: str) -> list[tuple[str, str]]:
    """The (key, value) pairs a request for this query string carries, as the view sees them."""
    data = QueryDict(querystring.removeprefix("?"))
    return [(key, value) for key, values in data.lists() for value in values]


# --- one spelling per search --------------------------------------------------------------


def test_the_default_search_has_no_parameters_at_all():
    assert SearchQuery().canonical_params() == []
    assert SearchQuery().querystring() == ""


@pytest.mark.parametrize(
    "spelling",
    [
        "",
        "page=1",
        "page_size=25",
        "order_field=customer_no",
        "order_direction=asc",
        "page=1&page_size=25&order_field=customer_no&order_direction=asc",
        "order_direction=asc&order_field=customer_no&page_size=25&page=1",
        "page=&page_size=&order_field=&order_direction=&filter_type=&filter_field=&filter_value=",
        "filter_value=",
        "filter_value=+++",
        "filter_type=field&filter_field=name",
        "filter_type=special&filter_field=search&filter_value=",
        "unknown=1&utm_source=newsletter",
    ],
)
def test_spellings_of_the_default_search_all_normalise_to_no_parameters(spelling):
    query = parse(spelling)

    assert query == SearchQuery()
    assert query.canonical_params() == []
    assert query.querystring() == ""


@pytest.mark.parametrize(
    "spelling",
    [
        "filter_type=field-prefix&filter_field=name&filter_value=Acme"
        "&order_field=name&order_direction=desc&page_size=50&page=3",
        "page=3&page_size=50&order_direction=desc&order_field=name"
        "&filter_value=Acme&filter_field=name&filter_type=field-prefix",
        "filter_value=++Acme%09+&filter_type=field-prefix&filter_field=name"
        "&order_field=name&order_direction=desc&page_size=50&page=3",
        "page=3.0&page_size=50&order_direction=desc&order_field=name&junk="
        "&filter_value=%20Acme%20&filter_field=name&filter_type=field-prefix&refresh=",
    ],
)
def test_the_same_search_spelled_differently_has_one_canonical_form(spelling):
    query = parse(spelling)

    assert query == FILTERED
    assert query.canonical_params() == [
        ("filter_type", "field-prefix"),
        ("filter_field", "name"),
        ("filter_value", "Acme"),
        ("order_field", "name"),
        ("order_direction", "desc"),
        ("page_size", "50"),
        ("page", "3"),
    ]
    assert query.querystring() == (
        "?filter_type=field-prefix&filter_field=name&filter_value=Acme"
        "&order_field=name&order_direction=desc&page_size=50&page=3"
    )


def test_a_filter_without_a_value_is_dropped_but_the_rest_is_kept():
    query = parse("filter_type=field&filter_field=name&filter_value=&page_size=10")

    assert not query.has_filter
    assert query.canonical_params() == [("page_size", "10")]


def test_a_filter_value_is_percent_encoded_in_the_query_string():
    query = SearchQuery(filter_type="special", filter_field="search", filter_value="Åsa & Co=1")

    assert query.querystring() == (
        "?filter_type=special&filter_field=search&filter_value=%C3%85sa+%26+Co%3D1"
    )
    assert parse(query.querystring()) == query


def test_billogram_params_carry_every_parameter_even_the_defaults():
    assert SearchQuery().billogram_params() == {
        "page": 1,
        "page_size": 25,
        "order_field": "customer_no",
        "order_direction": "asc",
    }
    assert FILTERED.billogram_params() == {
        "page": 3,
        "page_size": 50,
        "order_field": "name",
        "order_direction": "desc",
        "filter_type": "field-prefix",
        "filter_field": "name",
        "filter_value": "Acme",
    }


def test_a_quick_search_is_a_special_search_with_a_value():
    assert SearchQuery(
        filter_type="special", filter_field="search", filter_value="x"
    ).is_quick_search
    assert not SearchQuery(filter_type="special", filter_field="search").is_quick_search
    assert not FILTERED.is_quick_search


# --- round trip: the canonical query string parses back to the same search -----------------

filter_values = (
    st.text(min_size=1, max_size=200)
    .map(str.strip)
    .filter(lambda value: value and "\x00" not in value)
)
advanced_filters = st.tuples(
    st.sampled_from(["field", "field-prefix", "field-search"]),
    st.sampled_from(sorted(FILTER_FIELDS)),
    filter_values,
)
quick_searches = st.tuples(st.just("special"), st.just(SPECIAL_SEARCH_FIELD), filter_values)
valid_queries = st.builds(
    lambda page, page_size, order_field, order_direction, search: SearchQuery(
        page=page,
        page_size=page_size,
        order_field=order_field,
        order_direction=order_direction,
        **(
            dict(zip(("filter_type", "filter_field", "filter_value"), search, strict=True))
            if search
            else {}
        ),
    ),
    st.integers(min_value=1, max_value=MAX_PAGE),
    st.sampled_from(PAGE_SIZES),
    st.sampled_from(sorted(ORDER_FIELDS)),
    st.sampled_from(["asc", "desc"]),
    st.one_of(st.none(), advanced_filters, quick_searches),
)


@settings(max_examples=200, deadline=None)
@given(valid_queries)
def test_every_valid_search_survives_a_round_trip_through_its_query_string(query):
    assert parse(query.querystring()) == query


@settings(max_examples=200, deadline=None)
@given(valid_queries)
def test_a_canonical_query_string_is_read_back_as_exactly_its_canonical_params(query):
    # The view redirects when the request's pairs differ from canonical_params(): a canonical
    # URL must never look non-canonical, or the page would redirect to itself forever.
    assert given_pairs(query.querystring()) == query.canonical_params()


@settings(max_examples=200, deadline=None)
@given(valid_queries)
def test_canonical_params_are_idempotent(query):
    once = parse(query.querystring())
    twice = parse(once.querystring())

    assert once.canonical_params() == query.canonical_params() == twice.canonical_params()
    assert once.querystring() == twice.querystring()


@settings(max_examples=200, deadline=None)
@given(valid_queries)
def test_canonical_params_never_spell_out_a_default_or_an_empty_value(query):
    params = dict(query.canonical_params())

    assert all(value != "" for value in params.values())
    assert params.get("page") != "1"
    assert params.get("page_size") != "25"
    assert params.get("order_field") != "customer_no"
    assert params.get("order_direction") != "asc"
    assert ("filter_type" in params) == query.has_filter
    assert dict(parse_qsl(query.querystring().removeprefix("?"))) == params


# --- sorting ---------------------------------------------------------------------------------


def test_sorting_by_a_new_column_starts_ascending_on_page_one():
    sorted_query = FILTERED.sorted_by("address:city")

    assert sorted_query.order_field == "address:city"
    assert sorted_query.order_direction == "asc"
    assert sorted_query.page == 1


def test_sorting_by_a_new_column_starts_ascending_even_when_the_current_one_is_descending():
    query = SearchQuery(order_field="name", order_direction="desc", page=4)

    assert query.sorted_by("created_at") == SearchQuery(order_field="created_at")


def test_sorting_by_the_current_ascending_column_flips_it_to_descending():
    query = SearchQuery(order_field="name", order_direction="asc", page=4)

    flipped = query.sorted_by("name")

    assert (flipped.order_field, flipped.order_direction, flipped.page) == ("name", "desc", 1)


def test_sorting_by_the_current_descending_column_goes_back_to_ascending():
    query = SearchQuery(order_field="name", order_direction="desc", page=4)

    flipped = query.sorted_by("name")

    assert (flipped.order_field, flipped.order_direction, flipped.page) == ("name", "asc", 1)


def test_sorting_twice_by_the_same_column_returns_to_the_first_order():
    assert SearchQuery().sorted_by("name").sorted_by("name").sorted_by("name") == SearchQuery(
        order_field="name"
    )


def test_sorting_keeps_the_filter_and_the_page_size():
    sorted_query = FILTERED.sorted_by("created_at")

    assert sorted_query.filter_type == "field-prefix"
    assert sorted_query.filter_field == "name"
    assert sorted_query.filter_value == "Acme"
    assert sorted_query.page_size == 50
    assert sorted_query.querystring() == (
        "?filter_type=field-prefix&filter_field=name&filter_value=Acme"
        "&order_field=created_at&page_size=50"
    )


def test_sorting_does_not_change_the_query_it_was_made_from():
    FILTERED.sorted_by("created_at")

    assert FILTERED.order_field == "name"
    assert FILTERED.page == 3


@settings(max_examples=200, deadline=None)
@given(valid_queries, st.sampled_from(sorted(ORDER_FIELDS)))
def test_sorting_only_ever_changes_the_order_and_the_page(query, order_field):
    sorted_query = query.sorted_by(order_field)

    assert sorted_query.page == 1
    assert sorted_query.order_field == order_field
    assert (sorted_query.filter_type, sorted_query.filter_field, sorted_query.filter_value) == (
        query.filter_type,
        query.filter_field,
        query.filter_value,
    )
    assert sorted_query.page_size == query.page_size
    flips = order_field == query.order_field and query.order_direction == "asc"
    assert sorted_query.order_direction == ("desc" if flips else "asc")


# --- page size and clearing the filter --------------------------------------------------------


def test_a_new_page_size_goes_back_to_page_one_and_keeps_filter_and_order():
    resized = FILTERED.with_page_size(100)

    assert resized.page == 1
    assert resized.page_size == 100
    assert (resized.filter_type, resized.filter_field, resized.filter_value) == (
        "field-prefix",
        "name",
        "Acme",
    )
    assert (resized.order_field, resized.order_direction) == ("name", "desc")


def test_a_new_page_keeps_everything_else():
    assert FILTERED.with_page(7) == SearchQuery(
        page=7,
        page_size=50,
        filter_type="field-prefix",
        filter_field="name",
        filter_value="Acme",
        order_field="name",
        order_direction="desc",
    )


def test_clearing_the_filter_keeps_the_order_and_the_page_size_and_goes_to_page_one():
    cleared = FILTERED.without_filter()

    assert not cleared.has_filter
    assert cleared == SearchQuery(page_size=50, order_field="name", order_direction="desc")
    assert cleared.querystring() == "?order_field=name&order_direction=desc&page_size=50"
