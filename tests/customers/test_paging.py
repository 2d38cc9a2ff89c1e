"""Paging over Billogram's total_count: the numbers shown, the links, and the page's redirects."""

from hypothesis import given, settings
from hypothesis import strategies as st

from customers.paging import Pager
from customers.query import PAGE_SIZES, SearchQuery
from tests.helpers import page_text, parse, rows

FILTER = {"filter_type": "field-search", "filter_field": "address:city", "filter_value": "Malmö"}


def query(**changes) -> SearchQuery:
    return SearchQuery(**{**FILTER, "order_field": "name", "order_direction": "desc", **changes})


# --- the numbers ------------------------------------------------------------------------------


def test_the_second_page_of_25_shows_customers_26_to_50():
    pager = Pager(SearchQuery(page=2, page_size=25), total_count=4812)

    assert (pager.first_shown, pager.last_shown, pager.total_count) == (26, 50, 4812)
    assert pager.last_page == 193


def test_the_first_page_shows_from_customer_1():
    pager = Pager(SearchQuery(page=1, page_size=10), total_count=4812)

    assert (pager.first_shown, pager.last_shown) == (1, 10)


def test_a_last_partial_page_ends_at_the_total():
    pager = Pager(SearchQuery(page=193, page_size=25), total_count=4812)

    assert (pager.first_shown, pager.last_shown) == (4801, 4812)
    assert pager.last_page == 193


def test_an_exactly_full_last_page_is_the_last_page():
    pager = Pager(SearchQuery(page=2, page_size=50), total_count=100)

    assert pager.last_page == 2
    assert (pager.first_shown, pager.last_shown) == (51, 100)
    assert pager.next is None


def test_one_more_customer_than_fits_makes_another_page():
    assert Pager(SearchQuery(page_size=50), total_count=101).last_page == 3


def test_no_customers_shows_nothing_on_a_single_page():
    pager = Pager(SearchQuery(), total_count=0)

    assert (pager.first_shown, pager.last_shown) == (0, 0)
    assert pager.last_page == 1
    assert (pager.first, pager.previous, pager.next, pager.last) == (None, None, None, None)
    assert [link.number for link in pager.nearby] == [1]


@settings(max_examples=200, deadline=None)
@given(
    total=st.integers(min_value=0, max_value=10**7),
    page_size=st.sampled_from(PAGE_SIZES),
    data=st.data(),
)
def test_every_existing_page_shows_a_consistent_range(total, page_size, data):
    last_page = max(1, -(-total // page_size))
    page = data.draw(st.integers(min_value=1, max_value=last_page))
    pager = Pager(SearchQuery(page=page, page_size=page_size), total_count=total)

    assert pager.last_page == last_page
    assert 0 <= pager.first_shown <= pager.last_shown <= total
    if total:
        assert pager.first_shown == (page - 1) * page_size + 1
        assert 1 <= pager.last_shown - pager.first_shown + 1 <= page_size
    if page < last_page:
        assert pager.last_shown - pager.first_shown + 1 == page_size
    if page == last_page:
        assert pager.last_shown == total


# --- the links --------------------------------------------------------------------------------


def test_on_the_first_page_there_is_no_first_or_previous_link():
    pager = Pager(query(page=1), total_count=200)

    assert pager.first is None
    assert pager.previous is None
    assert pager.next.number == 2
    assert pager.last.number == 8


def test_on_the_last_page_there_is_no_next_or_last_link():
    pager = Pager(query(page=8), total_count=200)

    assert pager.next is None
    assert pager.last is None
    assert pager.first.number == 1
    assert pager.previous.number == 7


def test_in_the_middle_every_link_points_where_it_says():
    pager = Pager(query(page=4), total_count=200)

    assert [pager.first.number, pager.previous.number, pager.next.number, pager.last.number] == [
        1,
        3,
        5,
        8,
    ]
    assert not any(link.current for link in (pager.first, pager.previous, pager.next, pager.last))


def test_nearby_pages_are_two_on_each_side_of_the_current_one():
    pager = Pager(query(page=5), total_count=250)

    assert [link.number for link in pager.nearby] == [3, 4, 5, 6, 7]
    assert [link.current for link in pager.nearby] == [False, False, True, False, False]


def test_nearby_pages_are_clipped_at_the_start():
    assert [link.number for link in Pager(query(page=1), total_count=250).nearby] == [1, 2, 3]
    assert [link.number for link in Pager(query(page=2), total_count=250).nearby] == [1, 2, 3, 4]


def test_nearby_pages_are_clipped_at_the_end():
    assert [link.number for link in Pager(query(page=10), total_count=250).nearby] == [8, 9, 10]
    assert [link.number for link in Pager(query(page=9), total_count=250).nearby] == [7, 8, 9, 10]


def test_a_single_page_has_only_itself_nearby():
    assert [link.number for link in Pager(query(page=1), total_count=7).nearby] == [1]


def test_the_link_to_the_first_page_leaves_the_page_out_of_the_url():
    pager = Pager(query(page=3), total_count=200)

    assert pager.first.querystring == (
        "?filter_type=field-search&filter_field=address%3Acity&filter_value=Malm%C3%B6"
        "&order_field=name&order_direction=desc"
    )


@settings(max_examples=100, deadline=None)
@given(
    total=st.integers(min_value=1, max_value=100_000),
    page_size=st.sampled_from(PAGE_SIZES),
    data=st.data(),
)
def test_every_page_link_keeps_the_filter_the_order_and_the_page_size(total, page_size, data):
    last_page = max(1, -(-total // page_size))
    page = data.draw(st.integers(min_value=1, max_value=last_page))
    current = query(page=page, page_size=page_size)
    pager = Pager(current, total_count=total)

    links = [pager.first, pager.previous, pager.next, pager.last, *pager.nearby]
    for link in filter(None, links):
        assert parse(link.querystring) == current.with_page(link.number)
        assert 1 <= link.number <= last_page
        assert link.current == (link.number == page)


# Page links never point past the highest page number the search form accepts.
def test_the_last_page_link_of_a_huge_result_is_a_page_the_search_form_accepts():
    pager = Pager(SearchQuery(page_size=10), total_count=10_000_001)

    assert parse(pager.last.querystring).page == pager.last_page


def test_page_size_links_go_back_to_page_one_and_mark_the_current_size():
    pager = Pager(query(page=6, page_size=50), total_count=4812)

    links = pager.page_sizes(PAGE_SIZES)

    assert [link.number for link in links] == [10, 25, 50, 100]
    assert [link.current for link in links] == [False, False, True, False]
    for link in links:
        assert parse(link.querystring) == query(page=1, page_size=link.number)
    assert links[1].querystring == (
        "?filter_type=field-search&filter_field=address%3Acity&filter_value=Malm%C3%B6"
        "&order_field=name&order_direction=desc"
    )


# --- the page ---------------------------------------------------------------------------------

SEARCH = "/customers/"


def test_a_page_past_the_end_redirects_to_the_last_page(logged_in, search):
    search.returns(30)

    response = logged_in.get(SEARCH + "?page=99")

    assert response.status_code == 302
    assert response["Location"] == SEARCH + "?page=2"


def test_a_page_past_the_end_of_a_filtered_search_keeps_the_search(logged_in, search):
    search.returns(30)
    current = query(page=99, page_size=10)

    response = logged_in.get(SEARCH + current.querystring())

    assert response.status_code == 302
    assert response["Location"] == SEARCH + current.with_page(3).querystring()


def test_a_page_past_the_end_of_nothing_redirects_to_the_first_page(logged_in, search):
    search.returns(0)

    response = logged_in.get(SEARCH + "?page=5")

    assert response.status_code == 302
    assert response["Location"] == SEARCH


def test_the_page_shows_which_customers_of_how_many(logged_in, search):
    search.returns(4812, rows(range(26, 51)))

    response = logged_in.get(SEARCH + "?page=2")

    assert response.status_code == 200
    assert "Showing 26–50 of 4,812 customers" in page_text(response)


def test_the_pager_links_on_the_page_keep_the_search(logged_in, search):
    search.returns(200, rows(range(1, 26)))
    current = query(page=4)

    page = logged_in.get(SEARCH + current.querystring()).content.decode()

    for number in (1, 3, 5, 8):
        link = current.with_page(number).querystring().replace("&", "&amp;")
        assert f'href="{SEARCH}{link}"' in page


def test_no_match_for_a_filter_says_so_and_offers_to_clear_the_filter(logged_in, search):
    search.returns(0)
    current = SearchQuery(
        filter_type="special", filter_field="search", filter_value="zzz", order_field="name"
    )

    response = logged_in.get(SEARCH + current.querystring())

    page = page_text(response)
    assert response.status_code == 200
    assert "No customers match “zzz”." in page
    assert f'<a href="{SEARCH}?order_field=name">Clear the search</a>' in page
    assert 'class="customer-table"' not in page


def test_no_customers_at_all_offers_no_clear_link(logged_in, search):
    search.returns(0)

    page = logged_in.get(SEARCH).content.decode()

    assert "No customers match." in page
    assert "Clear the search" not in page
