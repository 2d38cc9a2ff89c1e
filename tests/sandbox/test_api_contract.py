"""The sandbox's GET /customer and GET /customer/{customer_no}: envelopes, auth, paging, errors.

Contract: ../shared/docs/billogram-api.md
"""

import base64
import json

import pytest

from tests.sandbox.conftest import stored_documents
from tests.sandbox.contract import LIST_URL, basic, detail_url, json_body


def assert_json_content_type(response):
    assert response["Content-Type"] == "application/json"


def assert_error(response, http_status, code, field=None):
    assert response.status_code == http_status, response.content
    assert_json_content_type(response)
    body = json_body(response)
    assert set(body) == {"status", "data"}
    assert body["status"] == code
    assert isinstance(body["data"]["message"], str)
    assert body["data"]["message"]
    if field is not None:
        assert body["data"]["field"] == field
    return body


# --- success envelopes ---------------------------------------------------------------------


def test_it_answers_the_list_with_the_exact_success_envelope(api, acme_documents):
    response = api(LIST_URL)

    assert response.status_code == 200
    body = json_body(response)
    assert set(body) == {"status", "meta", "data"}
    assert body["status"] == "OK"
    assert body["meta"] == {"total_count": 60}
    assert body["data"] == acme_documents


def test_it_serves_the_list_as_exactly_application_json_without_a_charset(api, acme):
    assert_json_content_type(api(LIST_URL))


def test_it_answers_one_customer_with_the_exact_success_envelope(api, acme_documents):
    response = api(detail_url(17))

    assert response.status_code == 200
    assert_json_content_type(response)
    assert json_body(response) == {"status": "OK", "data": acme_documents[16]}


def test_it_answers_an_empty_result_with_an_empty_list_and_a_zero_total(api, acme):
    response = api(
        LIST_URL, {"filter_type": "field", "filter_field": "name", "filter_value": "Nobody"}
    )

    assert response.status_code == 200
    assert json_body(response) == {"status": "OK", "meta": {"total_count": 0}, "data": []}


# --- auth ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [LIST_URL, detail_url(1)])
def test_it_answers_a_request_without_authorization_with_401_missing_auth(api, acme, path):
    assert_error(api(path, auth=None), 401, "MISSING_AUTH")


@pytest.mark.parametrize(
    "header",
    [
        pytest.param(basic("acme-api", "wrong-key"), id="wrong-key"),
        pytest.param(basic("nobody", "acme-key"), id="unknown-user"),
        pytest.param(basic("", ""), id="empty-credentials"),
        pytest.param("Basic !!!not-base64!!!", id="not-base64"),
        pytest.param("Basic " + base64.b64encode(b"acme-api").decode(), id="no-colon"),
        pytest.param("Basic", id="scheme-only"),
        pytest.param("Basic " + base64.b64encode(b"acme-api:\xff").decode(), id="not-utf8"),
        pytest.param(
            "Bearer " + base64.b64encode(b"acme-api:acme-key").decode(), id="bearer-scheme"
        ),
        pytest.param(
            "Digest " + base64.b64encode(b"acme-api:acme-key").decode(), id="digest-scheme"
        ),
    ],
)
@pytest.mark.parametrize("path", [LIST_URL, detail_url(1)])
def test_it_answers_bad_credentials_with_403_invalid_auth(client, acme, header, path):
    assert_error(client.get(path, HTTP_AUTHORIZATION=header), 403, "INVALID_AUTH")


def test_it_accepts_the_basic_scheme_in_any_case(client, acme):
    header = "basic " + base64.b64encode(b"acme-api:acme-key").decode()

    assert client.get(LIST_URL, HTTP_AUTHORIZATION=header).status_code == 200


def test_it_accepts_an_api_key_containing_a_colon(api, sandbox_account):
    sandbox_account("colon", customers=3, api_user="colon-api", api_key="part:one:two")

    response = api(LIST_URL, auth=("colon-api", "part:one:two"))

    assert response.status_code == 200
    assert json_body(response)["meta"]["total_count"] == 3


def test_two_api_users_on_two_accounts_see_their_own_customers(api, sandbox_account):
    first = sandbox_account("first", customers=45, seed=1, api_user="a-api", api_key="a-key")
    second = sandbox_account("second", customers=30, seed=2, api_user="b-api", api_key="b-key")

    seen_by_a = json_body(api(LIST_URL, auth=("a-api", "a-key")))
    seen_by_b = json_body(api(LIST_URL, auth=("b-api", "b-key")))

    assert seen_by_a["meta"]["total_count"] == 45
    assert seen_by_b["meta"]["total_count"] == 30
    assert seen_by_a["data"] == stored_documents(first)
    assert seen_by_b["data"] == stored_documents(second)
    assert seen_by_a["data"][:30] != seen_by_b["data"]


def test_a_customer_number_of_a_bigger_account_is_not_found_through_a_smaller_ones_user(
    api, sandbox_account
):
    sandbox_account("first", customers=45, seed=1, api_user="a-api", api_key="a-key")
    sandbox_account("second", customers=30, seed=2, api_user="b-api", api_key="b-key")

    assert api(detail_url(40), auth=("a-api", "a-key")).status_code == 200
    assert_error(api(detail_url(40), auth=("b-api", "b-key")), 404, "NOT_FOUND")


def test_the_same_customer_number_reads_each_accounts_own_record(api, sandbox_account):
    first = sandbox_account("first", customers=45, seed=1, api_user="a-api", api_key="a-key")
    second = sandbox_account("second", customers=30, seed=2, api_user="b-api", api_key="b-key")

    from_a = json_body(api(detail_url(7), auth=("a-api", "a-key")))["data"]
    from_b = json_body(api(detail_url(7), auth=("b-api", "b-key")))["data"]

    assert from_a == stored_documents(first)[6]
    assert from_b == stored_documents(second)[6]
    assert from_a != from_b


def test_an_api_key_of_one_account_does_not_open_another(api, sandbox_account):
    sandbox_account("first", customers=5, api_user="a-api", api_key="a-key")
    sandbox_account("second", customers=5, api_user="b-api", api_key="b-key")

    assert_error(api(LIST_URL, auth=("b-api", "a-key")), 403, "INVALID_AUTH")


# --- paging --------------------------------------------------------------------------------


def numbers(response) -> list[int]:
    return [c["customer_no"] for c in json_body(response)["data"]]


def test_the_first_page_is_page_1_by_default(api, acme):
    assert numbers(api(LIST_URL, {"page_size": 10})) == list(range(1, 11))


def test_page_size_defaults_to_100(api, sandbox_account):
    sandbox_account("acme", customers=130)

    response = api(LIST_URL)

    assert numbers(response) == list(range(1, 101))
    assert json_body(response)["meta"]["total_count"] == 130


def test_it_accepts_page_size_100(api, sandbox_account):
    sandbox_account("acme", customers=130)

    assert numbers(api(LIST_URL, {"page_size": 100, "page": 2})) == list(range(101, 131))


def test_it_accepts_page_size_1(api, acme):
    response = api(LIST_URL, {"page_size": 1, "page": 5})

    assert numbers(response) == [5]
    assert json_body(response)["meta"]["total_count"] == 60


@pytest.mark.parametrize("value", ["0", "101", "abc", "-1", "1.5", "\uff11\uff10"])
def test_it_rejects_a_page_size_outside_1_to_100(api, acme, value):
    assert_error(
        api(LIST_URL, {"page_size": value}), 400, "INVALID_QUERY_PARAMETER", field="page_size"
    )


def test_it_rejects_page_size_over_100(api, acme):
    assert_error(
        api(LIST_URL, {"page_size": "101"}), 400, "INVALID_QUERY_PARAMETER", field="page_size"
    )


@pytest.mark.parametrize("value", ["0", "-1", "abc", "2.0"])
def test_it_rejects_a_page_below_1_or_not_an_integer(api, acme, value):
    assert_error(api(LIST_URL, {"page": value}), 400, "INVALID_QUERY_PARAMETER", field="page")


def test_the_last_partial_page_holds_the_remainder(api, acme):
    response = api(LIST_URL, {"page_size": 25, "page": 3})

    assert numbers(response) == list(range(51, 61))
    assert json_body(response)["meta"]["total_count"] == 60


@pytest.mark.parametrize("page", [4, 1000, 99999999999999999999999])
def test_a_page_past_the_end_is_empty_but_keeps_the_total(api, acme, page):
    response = api(LIST_URL, {"page_size": 20, "page": page})

    assert response.status_code == 200
    assert json_body(response) == {"status": "OK", "meta": {"total_count": 60}, "data": []}


def test_total_count_counts_every_match_across_pages(api, fetch_all, acme_documents):
    city = acme_documents[0]["address"]["city"]
    params = {"filter_type": "field", "filter_field": "address:city", "filter_value": city}
    expected = [d["customer_no"] for d in acme_documents if d["address"].get("city") == city]
    assert len(expected) > 2  # the filter needs more than one page of size 2

    first_page = json_body(api(LIST_URL, {**params, "page_size": 2}))
    every_page, totals = fetch_all(params, page_size=2)

    assert first_page["meta"]["total_count"] == len(expected)
    assert len(first_page["data"]) == 2
    assert totals == {len(expected)}
    assert every_page == expected


def test_pages_are_ceil_of_total_over_page_size(api, acme):
    last = api(LIST_URL, {"page_size": 7, "page": 9})  # ceil(60 / 7) == 9
    past = api(LIST_URL, {"page_size": 7, "page": 10})

    assert numbers(last) == [57, 58, 59, 60]
    assert numbers(past) == []


# --- not found and methods -----------------------------------------------------------------


def test_an_unknown_customer_is_404_not_found(api, acme):
    body = assert_error(api(detail_url(61)), 404, "NOT_FOUND")

    assert set(body["data"]) == {"message"}
    assert "61" in body["data"]["message"]


@pytest.mark.parametrize(
    "number", ["abc", "0", "-1", "1.0", "0x10", "\u0661", "1e3", "99999999999999999999999"]
)
def test_a_non_numeric_or_impossible_customer_number_is_404(api, acme, number):
    assert_error(api(detail_url(number)), 404, "NOT_FOUND")


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("path", [LIST_URL, detail_url(1)])
def test_it_refuses_writes_with_405_method_not_allowed(api, acme, method, path):
    assert_error(api(path, method=method), 405, "METHOD_NOT_ALLOWED")


def test_a_refused_write_changes_nothing(api, acme_documents, acme):
    api(detail_url(1), {"name": "Changed"}, method="post")

    assert stored_documents(acme) == acme_documents


def test_every_error_body_is_exactly_application_json(api, acme):
    responses = [
        api(LIST_URL, auth=None),
        api(LIST_URL, auth=("acme-api", "nope")),
        api(LIST_URL, {"page": "0"}),
        api(detail_url(999)),
        api(LIST_URL, method="post"),
    ]

    for response in responses:
        assert_json_content_type(response)
        json.loads(response.content)
