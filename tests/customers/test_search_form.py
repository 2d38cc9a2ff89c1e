"""The search form: any query string maps to a valid Billogram call or to a form error, never
an exception; and the search page built on it (canonical redirects, errors, refresh)."""

import re
from urllib.parse import urlencode

import pytest
from django.http import QueryDict
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from billodash.templatetags.billodash_tags import options
from customers.api_fields import FILTER_FIELDS, ORDER_FIELDS, SPECIAL_SEARCH_FIELD
from customers.forms import MAX_PAGE, CustomerSearchForm
from customers.query import PAGE_SIZES, SearchQuery
from tests.helpers import parse, rows

BILLOGRAM_NAMES = (
    "page",
    "page_size",
    "filter_type",
    "filter_field",
    "filter_value",
    "order_field",
    "order_direction",
)
BASE_PARAMS = {"page", "page_size", "order_field", "order_direction"}
FILTER_PARAMS = {"filter_type", "filter_field", "filter_value"}
ADVANCED_TYPES = {"field", "field-prefix", "field-search"}


def assert_valid_billogram_call(params: dict) -> None:
    """The contract of GET /customer as the dashboard uses it (shared/docs/billogram-api.md)."""
    assert set(params) in (BASE_PARAMS, BASE_PARAMS | FILTER_PARAMS), params
    assert type(params["page"]) is int
    assert 1 <= params["page"] <= MAX_PAGE
    assert type(params["page_size"]) is int
    assert params["page_size"] in (10, 25, 50, 100)
    assert params["order_field"] in ORDER_FIELDS
    assert params["order_direction"] in ("asc", "desc")
    if "filter_type" in params:
        pair = (params["filter_type"], params["filter_field"])
        assert pair == ("special", "search") or (
            pair[0] in ADVANCED_TYPES and pair[1] in FILTER_FIELDS
        ), pair
        value = params["filter_value"]
        assert isinstance(value, str)
        assert 0 < len(value) <= 200
        assert value == value.strip()
        assert "\x00" not in value


# --- strategies for hostile query strings -----------------------------------------------------

keys = st.one_of(
    st.sampled_from(BILLOGRAM_NAMES),
    st.sampled_from(BILLOGRAM_NAMES),  # twice as likely as junk
    st.sampled_from(["refresh", "back", "PAGE", "page ", "filter_value[]", ""]),
    st.text(max_size=20),
)
interesting_values = st.sampled_from(
    [
        "",
        " ",
        "0",
        "-1",
        "1",
        "2",
        "10",
        "25",
        "50",
        "100",
        "500",
        "1000000",
        "1000001",
        "1e3",
        "1.0",
        "1.5",
        " 25",
        "25.0",
        "１２",
        "٣",
        "NaN",
        "9" * 5000,
        "x" * 201,
        " " + "y" * 200 + " ",
        "asc",
        "desc",
        "ASC",
        "special",
        "search",
        "Everything",
        "a\x00b",
        '"><script>alert(1)</script>',
        "Åsa Öberg",
        "contact:email",
        *ORDER_FIELDS,
        *FILTER_FIELDS,
        "field",
        "field-prefix",
        "field-search",
    ]
)
values = st.one_of(
    interesting_values,
    st.text(max_size=250),
    st.integers().map(str),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)
junk_pairs = st.lists(st.tuples(keys, values), max_size=12)


def choice_or_junk(choices):
    return st.one_of(st.sampled_from(choices), st.sampled_from(choices), values)


# Near-valid searches, so that whole filters (all three parameters) are generated often too.
near_valid = st.fixed_dictionaries(
    {},
    optional={
        "page": st.one_of(st.integers(min_value=-5, max_value=MAX_PAGE + 5).map(str), values),
        "page_size": choice_or_junk(["", "10", "25", "50", "100"]),
        "filter_type": choice_or_junk(["", "field", "field-prefix", "field-search", "special"]),
        "filter_field": choice_or_junk(["", *FILTER_FIELDS, SPECIAL_SEARCH_FIELD]),
        "filter_value": st.one_of(st.text(max_size=210), interesting_values),
        "order_field": choice_or_junk(["", *ORDER_FIELDS]),
        "order_direction": choice_or_junk(["", "asc", "desc"]),
    },
)
filter_triples = st.one_of(
    st.tuples(st.just("special"), st.just(SPECIAL_SEARCH_FIELD)),
    st.tuples(
        st.sampled_from(["field", "field-prefix", "field-search"]),
        st.sampled_from(sorted(FILTER_FIELDS)),
    ),
).flatmap(
    lambda pair: st.one_of(st.text(max_size=210), interesting_values).map(
        lambda value: {"filter_type": pair[0], "filter_field": pair[1], "filter_value": value}
    )
)
near_valid = st.one_of(
    near_valid,
    st.tuples(near_valid, filter_triples).map(lambda parts: {**parts[0], **parts[1]}),
)
pairs = st.one_of(
    junk_pairs,
    st.tuples(near_valid, st.lists(st.tuples(keys, values), max_size=3)).flatmap(
        lambda parts: st.permutations([*parts[0].items(), *parts[1]])
    ),
)


def querydict(items) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in items:
        data.appendlist(key, value)
    return data


# Three shapes of input: repeated keys in a QueryDict, a plain dict, and a raw query string.
inputs = st.one_of(
    pairs.map(querydict),
    st.dictionaries(keys, values, max_size=10),
    near_valid,
    pairs.map(lambda items: QueryDict(urlencode(items))),
    st.text(max_size=300).map(QueryDict),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(inputs)
@example(QueryDict("page=0&page_size=500&filter_field=bogus&filter_type=x"))
@example(QueryDict("page=-5&page_size=&order_field=zip&order_direction=up&filter_value=x"))
@example(QueryDict("page=99999999999999999999999999999&filter_value=%00"))
@example(QueryDict("filter_type=special&filter_field=name&filter_value=a"))
@example(QueryDict("filter_type=field&filter_field=search&filter_value=a"))
@example({"page": "9" * 5000})
def test_any_query_string_maps_to_a_valid_billogram_call_or_a_form_error(data):
    form = CustomerSearchForm(data)

    query = form.to_query()

    assert form.is_valid() == (not form.errors)
    assert_valid_billogram_call(query.billogram_params())


@settings(max_examples=200, deadline=None)
@given(inputs)
def test_whatever_was_asked_the_canonical_url_of_the_answer_is_valid_and_stable(data):
    query = CustomerSearchForm(data).to_query()

    assert parse(query.querystring()) == query


def last(items, key):
    found = [value for k, value in items if k == key]
    return found[-1] if found else ""


@settings(max_examples=200, deadline=None)
@given(pairs)
def test_each_unusable_parameter_is_named_in_the_errors(items):
    form = CustomerSearchForm(querydict(items))
    form.is_valid()

    # Choice parameters are exact: anything but an offered value (or nothing) is an error.
    assert ("order_field" in form.errors) == (last(items, "order_field") not in {"", *ORDER_FIELDS})
    assert ("order_direction" in form.errors) == (
        last(items, "order_direction") not in {"", "asc", "desc"}
    )
    assert ("page_size" in form.errors) == (
        last(items, "page_size") not in {"", *(str(size) for size in PAGE_SIZES)}
    )
    if last(items, "filter_type") not in {"", "field", "field-prefix", "field-search", "special"}:
        assert "filter_type" in form.errors
    if last(items, "filter_field") not in {"", *FILTER_FIELDS, SPECIAL_SEARCH_FIELD}:
        assert "filter_field" in form.errors
    if len(last(items, "filter_value").strip()) > 200 or "\x00" in last(items, "filter_value"):
        assert "filter_value" in form.errors
    page = last(items, "page").strip()
    if re.fullmatch(r"-?[0-9]{1,30}", page) and int(page) < 1:
        assert "page" in form.errors


@pytest.mark.parametrize(
    ("querystring", "named"),
    [
        ("page=0", {"page"}),
        ("page=-3", {"page"}),
        ("page=1000001", {"page"}),
        ("page=two", {"page"}),
        ("page=" + "9" * 5000, {"page"}),
        ("page_size=500", {"page_size"}),
        ("page_size=0", {"page_size"}),
        ("page_size=24", {"page_size"}),
        ("order_field=favourite_colour", {"order_field"}),
        ("order_field=notes", {"order_field"}),  # a filter field Billogram cannot sort on
        ("order_direction=sideways", {"order_direction"}),
        ("filter_field=bogus", {"filter_field"}),
        ("filter_type=x", {"filter_type"}),
        ("filter_type=field&filter_field=name&filter_value=" + "x" * 201, {"filter_value"}),
        ("filter_type=field&filter_field=name&filter_value=a%00b", {"filter_value"}),
        (
            "page=0&page_size=500&filter_field=bogus&filter_type=x",
            {"page", "page_size", "filter_field", "filter_type"},
        ),
    ],
)
def test_invalid_parameters_become_errors_named_after_them_and_fall_back_to_defaults(
    querystring, named
):
    form = CustomerSearchForm(QueryDict(querystring))

    assert not form.is_valid()
    assert set(form.errors) == named
    assert form.to_query() == SearchQuery()


def test_a_filter_value_without_a_match_type_is_an_error_on_the_match_type():
    form = CustomerSearchForm(QueryDict("filter_value=Acme"))

    assert not form.is_valid()
    assert set(form.errors) == {"filter_type"}
    assert not form.to_query().has_filter


def test_a_filter_value_without_a_field_is_an_error_on_the_field():
    form = CustomerSearchForm(QueryDict("filter_type=field&filter_value=Acme"))

    assert not form.is_valid()
    assert set(form.errors) == {"filter_field"}
    assert not form.to_query().has_filter


@pytest.mark.parametrize(
    "querystring",
    [
        "filter_type=special&filter_field=name&filter_value=Acme",
        "filter_type=field&filter_field=search&filter_value=Acme",
        "filter_type=field-search&filter_field=search&filter_value=Acme",
    ],
)
def test_special_goes_only_with_search_and_search_only_with_special(querystring):
    form = CustomerSearchForm(QueryDict(querystring))

    assert not form.is_valid()
    assert set(form.errors) == {"filter_field"}
    assert not form.to_query().has_filter


def test_an_invalid_filter_does_not_throw_away_the_valid_order_and_page_size():
    form = CustomerSearchForm(
        QueryDict("filter_type=special&filter_field=name&filter_value=Acme&page_size=50&page=2")
    )

    assert form.to_query() == SearchQuery(page=2, page_size=50)


def test_a_filter_type_and_field_without_a_value_are_dropped_silently():
    form = CustomerSearchForm(QueryDict("filter_type=field&filter_field=name&filter_value=+"))

    assert form.is_valid()
    assert form.to_query() == SearchQuery()


def test_a_quick_search_is_valid():
    form = CustomerSearchForm(QueryDict("filter_type=special&filter_field=search&filter_value=bo"))

    assert form.is_valid()
    assert form.to_query().billogram_params()["filter_value"] == "bo"


def test_the_last_of_repeated_parameters_wins():
    form = CustomerSearchForm(QueryDict("page_size=10&page_size=50&page=2&page=4"))

    assert form.is_valid()
    assert (form.to_query().page_size, form.to_query().page) == (50, 4)


# --- the search page ---------------------------------------------------------------------------

SEARCH = "/customers/"


def test_the_search_url_is_the_customer_list():
    assert reverse("customers:search") == SEARCH


def test_a_non_canonical_url_redirects_to_the_canonical_one(logged_in, search):
    response = logged_in.get(SEARCH + "?page=1&page_size=25&filter_value=&order_field=customer_no")

    assert response.status_code == 302
    assert response["Location"] == SEARCH
    assert search.calls == []


def test_a_differently_ordered_url_redirects_to_the_canonical_order(logged_in, search):
    response = logged_in.get(
        SEARCH + "?page=2&filter_value=+Acme+&filter_field=name&filter_type=field"
    )

    assert response.status_code == 302
    assert response["Location"] == (
        SEARCH + "?filter_type=field&filter_field=name&filter_value=Acme&page=2"
    )


def test_a_canonical_url_is_served_without_a_redirect(logged_in, search):
    search.returns(60, rows(range(25)))
    canonical = SearchQuery(
        page=2, filter_type="special", filter_field="search", filter_value="Åsa"
    ).querystring()

    response = logged_in.get(SEARCH + canonical)

    assert response.status_code == 200
    assert search.calls[0]["query"] == SearchQuery(
        page=2, filter_type="special", filter_field="search", filter_value="Åsa"
    )
    assert search.calls[0]["refresh"] is False


def test_an_invalid_url_shows_the_errors_and_searches_with_the_defaults(logged_in, search):
    search.returns(3, rows(range(3)))

    response = logged_in.get(SEARCH + "?page=0&page_size=500&filter_field=bogus&filter_type=x")

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {
        "page",
        "page_size",
        "filter_field",
        "filter_type",
    }
    page = response.content.decode()
    assert 'role="alert"' in page
    for name in ("page", "page_size", "filter_field", "filter_type"):
        assert f"<code>{name}</code>" in page
    assert [call["query"] for call in search.calls] == [SearchQuery()]
    assert search.calls[0]["query"].billogram_params() == {
        "page": 1,
        "page_size": 25,
        "order_field": "customer_no",
        "order_direction": "asc",
    }


def test_refresh_asks_for_a_fresh_answer_then_redirects_to_the_url_without_refresh(
    logged_in, search
):
    search.returns(3, rows(range(3)))

    response = logged_in.get(SEARCH + "?refresh=1")

    assert [call["refresh"] for call in search.calls] == [True]
    assert search.calls[0]["query"] == SearchQuery()
    assert response.status_code == 302
    assert response["Location"] == SEARCH


def test_refresh_of_a_filtered_search_keeps_the_search_in_the_redirect(logged_in, search):
    query = SearchQuery(
        filter_type="field-search", filter_field="contact:email", filter_value="@acme", page_size=10
    )
    search.returns(3, rows(range(3)))

    response = logged_in.get(
        SEARCH + "?" + urlencode([*query.canonical_params(), ("refresh", "1")])
    )

    assert search.calls == [{"user": search.calls[0]["user"], "query": query, "refresh": True}]
    assert response.status_code == 302
    assert response["Location"] == SEARCH + query.querystring()


def test_the_page_offers_a_refresh_link_to_the_same_search(logged_in, search):
    search.returns(3, rows(range(3)))

    page = logged_in.get(SEARCH + "?order_field=name").content.decode()

    assert f'href="{SEARCH}?order_field=name&amp;refresh=1"' in page


def test_a_user_without_an_active_connection_is_sent_to_the_connection_settings(logged_in):
    response = logged_in.get(SEARCH)

    assert response.status_code == 302
    assert response["Location"] == reverse("connections:list")


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, db, search):
    response = client.get(SEARCH)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert search.calls == []


def test_a_hostile_search_is_shown_escaped_on_the_page(logged_in, search):
    hostile = '"><img src=x onerror=alert(1)><script>alert(2)</script>'
    query = SearchQuery(filter_type="field-search", filter_field="name", filter_value=hostile)

    page = logged_in.get(SEARCH + query.querystring()).content.decode()

    assert "<script>alert(2)" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page


def select_html(page: str, select_id: str) -> str:
    return re.search(rf'<select id="{select_id}"[^>]*>(.*?)</select>', page, re.S).group(1)


def selected_options(page: str, select_id: str) -> list[str]:
    return re.findall(r'<option value="([^"]*)" selected>', select_html(page, select_id))


def test_the_filter_form_shows_the_field_and_match_of_the_current_filter(logged_in, search):
    query = SearchQuery(filter_type="field-prefix", filter_field="address:city", filter_value="Gö")

    page = logged_in.get(SEARCH + query.querystring()).content.decode()

    assert selected_options(page, "filter-field") == ["address:city"]
    assert selected_options(page, "filter-type") == ["field-prefix"]
    assert f'<option value="address:city" selected>{FILTER_FIELDS["address:city"]}</option>' in page


def test_the_filter_form_offers_every_field_and_match_with_none_chosen_without_a_filter(
    logged_in, search
):
    page = logged_in.get(SEARCH).content.decode()

    assert re.findall(r'<option value="([^"]*)"', select_html(page, "filter-field")) == list(
        FILTER_FIELDS
    )
    assert selected_options(page, "filter-field") == []
    assert selected_options(page, "filter-type") == []


def test_the_options_tag_escapes_values_and_labels():
    html = options({'"><script>': "<b>&</b>", "plain": "Plain"}, "plain")

    assert html == (
        '<option value="&quot;&gt;&lt;script&gt;">&lt;b&gt;&amp;&lt;/b&gt;</option>'
        '<option value="plain" selected>Plain</option>'
    )


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(items=pairs, total=st.integers(min_value=0, max_value=10_000))
def test_any_url_is_answered_with_the_page_or_one_redirect_to_a_canonical_page(
    logged_in, search, items, total
):
    search.returns(total, rows(range(min(total, 3))))

    response = logged_in.get(SEARCH + "?" + urlencode(items))

    assert response.status_code in (200, 302)
    if response.status_code == 302:
        target = logged_in.get(response["Location"])
        if target.status_code == 302:
            # The only second hop: the canonical page is past the end of the result.
            assert search.calls[-1]["query"].page > max(
                1, -(-total // search.calls[-1]["query"].page_size)
            )
            target = logged_in.get(target["Location"])
        assert target.status_code == 200
        assert not target.context["form"].errors
    for call in search.calls:
        assert_valid_billogram_call(call["query"].billogram_params())
