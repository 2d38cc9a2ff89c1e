"""The Billogram client against canned HTTP answers (no real sockets; see test_client_live.py)."""

import base64
import contextlib
import io
import json
import logging
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses
from responses import matchers

from customers.billogram import (
    BadCredentials,
    BadQuery,
    BadResponse,
    BillogramClient,
    BillogramError,
    NotFound,
    RateLimited,
    Unavailable,
    UpstreamTimeout,
)
from customers.records import Customer, CustomerPage, CustomerRow

BASE_URL = "https://billogram.test/api/v2"
LIST_URL = f"{BASE_URL}/customer"
API_USER = "integration-user-17"
API_PASSWORD = "s3cr3t-Pa55w0rd-do-not-leak"

CURRENT_RECORD = {
    "customer_no": 2,
    "name": "Acme AB",
    "language": "sv",
    "letter_forwarding_enabled": False,
    "created_at": "2026-04-29T11:19:15.647Z",
    "updated_at": "2026-04-29T11:19:15.647Z",
    "contact": {"name": "Anna", "email": "anna@acme.test", "phone": "+4670123"},
    "address": {"address_line_1": "Storgatan 1", "zipcode": "11122", "city": "Stockholm"},
}
OLDER_RECORD = {
    "customer_no": 1,
    "name": "Old HB",
    "created_at": "2017-07-18 07:22:43",
    "updated_at": None,
    "address": {"street_address": "Gamla vägen 3", "city": "Uppsala"},
}


def list_body(records, total_count=None):
    total = len(records) if total_count is None else total_count
    return {"status": "OK", "meta": {"total_count": total}, "data": records}


def error_body(code, message, **extra):
    return {"status": code, "data": {"message": message, **extra}}


@pytest.fixture(autouse=True)
def single_attempt(settings):
    """Parsing and error mapping, one attempt at a time: retries are tested over real sockets."""
    settings.BILLOGRAM_RETRIES = 0


@pytest.fixture
def mocked():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as rsps:
        yield rsps


@pytest.fixture
def client():
    return BillogramClient(base_url=BASE_URL, api_user=API_USER, api_password=API_PASSWORD)


def query_of(call):
    return parse_qs(urlsplit(call.request.url).query, keep_blank_values=True)


# --- list_customers -------------------------------------------------------------------------


def test_it_sends_every_list_parameter_as_a_query_parameter(mocked, client):
    mocked.get(
        LIST_URL,
        json=list_body([]),
        match=[
            matchers.query_param_matcher(
                {
                    "page": "3",
                    "page_size": "25",
                    "filter_type": "field-prefix",
                    "filter_field": "contact:email",
                    "filter_value": "anna@",
                    "order_field": "address:city",
                    "order_direction": "desc",
                }
            )
        ],
    )

    client.list_customers(
        page=3,
        page_size=25,
        filter_type="field-prefix",
        filter_field="contact:email",
        filter_value="anna@",
        order_field="address:city",
        order_direction="desc",
    )

    assert len(mocked.calls) == 1


def test_it_drops_none_and_empty_list_parameters(mocked, client):
    mocked.get(LIST_URL, json=list_body([]))

    client.list_customers(
        page=1,
        page_size=10,
        filter_type="",
        filter_field=None,
        filter_value="",
        order_field=None,
        order_direction="",
    )

    assert query_of(mocked.calls[0]) == {"page": ["1"], "page_size": ["10"]}


def test_it_asks_for_the_first_page_of_100_by_default(mocked, client):
    mocked.get(LIST_URL, json=list_body([]))

    client.list_customers()

    assert query_of(mocked.calls[0]) == {"page": ["1"], "page_size": ["100"]}


def test_it_sends_basic_auth_with_the_given_user_and_password(mocked, client):
    mocked.get(LIST_URL, json=list_body([]))

    client.list_customers()

    expected = base64.b64encode(f"{API_USER}:{API_PASSWORD}".encode()).decode()
    assert mocked.calls[0].request.headers["Authorization"] == f"Basic {expected}"


def test_it_asks_for_json(mocked, client):
    mocked.get(LIST_URL, json=list_body([]))

    client.list_customers()

    assert mocked.calls[0].request.headers["Accept"] == "application/json"


def test_it_uses_each_clients_own_credentials(mocked):
    mocked.get(LIST_URL, json=list_body([]))
    mocked.get(LIST_URL, json=list_body([]))
    first = BillogramClient(base_url=BASE_URL, api_user="user-a", api_password="pass-a")
    second = BillogramClient(base_url=BASE_URL, api_user="user-b", api_password="pass-b")

    first.list_customers()
    second.list_customers()

    sent = [
        base64.b64decode(call.request.headers["Authorization"].removeprefix("Basic ")).decode()
        for call in mocked.calls
    ]
    assert sent == ["user-a:pass-a", "user-b:pass-b"]


def test_it_ignores_a_trailing_slash_on_the_base_url(mocked):
    mocked.get(LIST_URL, json=list_body([]))
    client = BillogramClient(base_url=BASE_URL + "/", api_user=API_USER, api_password=API_PASSWORD)

    client.list_customers()

    assert urlsplit(mocked.calls[0].request.url).path == "/api/v2/customer"


def test_it_returns_a_page_with_the_total_and_typed_customers(mocked, client):
    mocked.get(LIST_URL, json=list_body([OLDER_RECORD, CURRENT_RECORD], total_count=14))

    page = client.list_customers(page_size=2)

    assert isinstance(page, CustomerPage)
    assert page.total_count == 14
    assert page.customers == (Customer.from_api(OLDER_RECORD), Customer.from_api(CURRENT_RECORD))
    older, current = page.customers
    assert older.customer_no == 1
    assert older.address.address_line_1 == "Gamla vägen 3"
    assert older.created_at == datetime(2017, 7, 18, 7, 22, 43, tzinfo=UTC)
    assert older.updated_at is None
    assert current.customer_no == 2
    assert current.contact.email == "anna@acme.test"
    assert current.created_at == datetime(2026, 4, 29, 11, 19, 15, 647000, tzinfo=UTC)


def test_it_parses_a_list_into_rows_when_asked(mocked, client):
    mocked.get(LIST_URL, json=list_body([OLDER_RECORD, CURRENT_RECORD], total_count=14))

    page = client.list_customers(page_size=2, record=CustomerRow)

    assert page == CustomerPage(
        total_count=14,
        customers=(CustomerRow.from_api(OLDER_RECORD), CustomerRow.from_api(CURRENT_RECORD)),
    )
    assert [row.city for row in page.customers] == ["Uppsala", "Stockholm"]


def test_it_returns_an_empty_page_for_no_matches(mocked, client):
    mocked.get(LIST_URL, json={"status": "OK", "meta": {"total_count": 0}, "data": []})

    page = client.list_customers(filter_type="field", filter_field="name", filter_value="zzz")

    assert page == CustomerPage(total_count=0, customers=())


def test_it_accepts_json_with_a_charset(mocked, client):
    mocked.get(
        LIST_URL,
        body=json.dumps(list_body([CURRENT_RECORD])),
        content_type="application/json; charset=utf-8",
    )

    page = client.list_customers()

    assert page.total_count == 1
    assert page.customers[0].name == "Acme AB"


# --- get_customer ---------------------------------------------------------------------------


def test_it_gets_one_customer_by_number(mocked, client):
    mocked.get(f"{BASE_URL}/customer/2", json={"status": "OK", "data": CURRENT_RECORD})

    customer = client.get_customer(2)

    assert customer == Customer.from_api(CURRENT_RECORD)
    assert customer.customer_no == 2
    assert customer.address.city == "Stockholm"


def test_it_sends_basic_auth_when_getting_one_customer(mocked, client):
    mocked.get(f"{BASE_URL}/customer/2", json={"status": "OK", "data": CURRENT_RECORD})

    client.get_customer("2")

    expected = base64.b64encode(f"{API_USER}:{API_PASSWORD}".encode()).decode()
    assert mocked.calls[0].request.headers["Authorization"] == f"Basic {expected}"
    assert mocked.calls[0].request.headers["Accept"] == "application/json"


def test_it_url_quotes_the_customer_number_in_the_path(mocked, client):
    mocked.get(
        f"{BASE_URL}/customer/1%2F..%3Fx%3D1%20",
        json={"status": "OK", "data": CURRENT_RECORD},
    )

    client.get_customer("1/..?x=1 ")

    sent = urlsplit(mocked.calls[0].request.url)
    assert sent.path == "/api/v2/customer/1%2F..%3Fx%3D1%20"
    assert sent.query == ""


def test_it_reports_a_single_record_without_a_customer_no_as_a_bad_response(mocked, client):
    mocked.get(f"{BASE_URL}/customer/2", json={"status": "OK", "data": {"name": "Acme AB"}})

    with pytest.raises(BadResponse) as caught:
        client.get_customer(2)

    assert caught.value.http_status == 200


def test_it_reports_a_single_answer_without_data_as_a_bad_response(mocked, client):
    mocked.get(f"{BASE_URL}/customer/2", json={"status": "OK"})

    with pytest.raises(BadResponse):
        client.get_customer(2)


# --- error mapping --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("http_status", "code", "message"),
    [
        (401, "MISSING_AUTH", "Authentication is required"),
        (403, "INVALID_AUTH", "Invalid authentication data"),
        (401, "INVALID_AUTH", "Invalid authentication data"),
        (403, "MISSING_AUTH", "Authentication is required"),
    ],
)
def test_it_reports_refused_credentials_as_bad_credentials(
    mocked, client, http_status, code, message
):
    mocked.get(LIST_URL, status=http_status, json=error_body(code, message))

    with pytest.raises(BadCredentials) as caught:
        client.list_customers()

    assert caught.value.http_status == http_status
    assert caught.value.code == code
    assert caught.value.message == message
    assert str(caught.value) == message


def test_it_reports_an_unknown_customer_as_not_found(mocked, client):
    mocked.get(
        f"{BASE_URL}/customer/6",
        status=404,
        json=error_body("NOT_FOUND", "object not found with id=6"),
    )

    with pytest.raises(NotFound) as caught:
        client.get_customer(6)

    assert caught.value.http_status == 404
    assert caught.value.code == "NOT_FOUND"
    assert caught.value.message == "object not found with id=6"


def test_it_reports_a_rejected_parameter_as_a_bad_query_with_its_field(mocked, client):
    mocked.get(
        LIST_URL,
        status=400,
        json=error_body(
            "INVALID_QUERY_PARAMETER", "Invalid value for page_size", field="page_size"
        ),
    )

    with pytest.raises(BadQuery) as caught:
        client.list_customers(page_size=1000)

    assert caught.value.http_status == 400
    assert caught.value.code == "INVALID_QUERY_PARAMETER"
    assert caught.value.field == "page_size"
    assert caught.value.message == "Invalid value for page_size"


def test_it_falls_back_to_its_own_message_when_the_error_body_is_not_json(mocked, client):
    mocked.get(LIST_URL, status=400, body="Bad Request", content_type="text/plain")

    with pytest.raises(BadQuery) as caught:
        client.list_customers()

    assert caught.value.code is None
    assert caught.value.field is None
    assert caught.value.message == BadQuery.default_message


def test_it_reports_429_with_retry_after_seconds_as_rate_limited(mocked, client):
    mocked.get(
        LIST_URL,
        status=429,
        json=error_body("TOO_MANY_REQUESTS", "Slow down"),
        headers={"Retry-After": "7"},
    )

    with pytest.raises(RateLimited) as caught:
        client.list_customers()

    assert caught.value.retry_after == 7
    assert caught.value.http_status == 429


def test_it_reads_an_http_date_retry_after_as_seconds_from_now(mocked, client):
    when = datetime.now(UTC) + timedelta(seconds=120)
    mocked.get(
        LIST_URL,
        status=429,
        body="",
        headers={"Retry-After": format_datetime(when, usegmt=True)},
    )

    with pytest.raises(RateLimited) as caught:
        client.list_customers()

    # The HTTP date has whole seconds; allow for that and a slow test machine.
    assert 100 <= caught.value.retry_after <= 121


def test_it_reads_a_past_http_date_retry_after_as_zero(mocked, client):
    mocked.get(
        LIST_URL,
        status=429,
        body="",
        headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"},
    )

    with pytest.raises(RateLimited) as caught:
        client.list_customers()

    assert caught.value.retry_after == 0


@pytest.mark.parametrize("header", [None, "soon", "-5", "7.5.1"])
def test_it_leaves_retry_after_empty_when_the_header_is_missing_or_unreadable(
    mocked, client, header
):
    headers = {} if header is None else {"Retry-After": header}
    mocked.get(LIST_URL, status=429, body="", headers=headers)

    with pytest.raises(RateLimited) as caught:
        client.list_customers()

    assert caught.value.retry_after is None


@pytest.mark.parametrize("http_status", [500, 503])
def test_it_reports_a_server_error_with_a_json_body_as_unavailable(mocked, client, http_status):
    mocked.get(LIST_URL, status=http_status, json=error_body("INTERNAL_ERROR", "Something broke"))

    with pytest.raises(Unavailable) as caught:
        client.list_customers()

    assert caught.value.http_status == http_status
    assert caught.value.code == "INTERNAL_ERROR"


@pytest.mark.parametrize("http_status", [500, 503])
def test_it_reports_a_server_error_with_an_html_body_as_unavailable(mocked, client, http_status):
    mocked.get(
        LIST_URL,
        status=http_status,
        body="<html><body><h1>503 Service Unavailable</h1></body></html>",
        content_type="text/html",
    )

    with pytest.raises(Unavailable) as caught:
        client.list_customers()

    assert caught.value.http_status == http_status
    assert caught.value.code is None


def test_it_reports_malformed_json_as_a_bad_response(mocked, client):
    mocked.get(LIST_URL, body='{"status": "OK", "meta": {', content_type="application/json")

    with pytest.raises(BadResponse) as caught:
        client.list_customers()

    assert caught.value.http_status == 200


def test_it_reports_an_html_answer_as_a_bad_response_even_with_status_200(mocked, client):
    mocked.get(
        LIST_URL,
        body=json.dumps(list_body([CURRENT_RECORD])),
        content_type="text/html",
    )

    with pytest.raises(BadResponse):
        client.list_customers()


@pytest.mark.parametrize(
    "payload",
    [
        {"status": "OK", "data": [CURRENT_RECORD]},
        {"status": "OK", "meta": {}, "data": [CURRENT_RECORD]},
        {"status": "OK", "meta": None, "data": []},
        {"status": "OK", "meta": {"total_count": "1"}, "data": [CURRENT_RECORD]},
        {"status": "OK", "meta": {"total_count": True}, "data": [CURRENT_RECORD]},
        {"status": "OK", "meta": {"total_count": -1}, "data": []},
        {"status": "OK", "meta": {"total_count": 1}, "data": CURRENT_RECORD},
        {"status": "OK", "meta": {"total_count": 1}},
        {"status": "OK", "meta": {"total_count": 1}, "data": None},
        {"status": "ERROR", "meta": {"total_count": 0}, "data": []},
        {"meta": {"total_count": 0}, "data": []},
        [CURRENT_RECORD],
    ],
    ids=[
        "no-meta",
        "no-total-count",
        "null-meta",
        "string-total",
        "bool-total",
        "negative-total",
        "data-is-object",
        "no-data",
        "null-data",
        "status-not-ok",
        "no-status",
        "top-level-list",
    ],
)
def test_it_reports_a_list_answer_of_the_wrong_shape_as_a_bad_response(mocked, client, payload):
    mocked.get(LIST_URL, json=payload)

    with pytest.raises(BadResponse):
        client.list_customers()


def test_it_reports_a_listed_record_without_a_customer_no_as_a_bad_response(mocked, client):
    mocked.get(LIST_URL, json=list_body([CURRENT_RECORD, {"name": "No number"}]))

    with pytest.raises(BadResponse) as caught:
        client.list_customers()

    assert caught.value.http_status == 200


def test_it_reports_an_unexpected_redirect_as_a_bad_response(mocked, client):
    mocked.get(LIST_URL, status=302, body="", headers={"Location": "https://billogram.test/login"})

    with pytest.raises(BadResponse) as caught:
        client.list_customers()

    assert caught.value.http_status == 302
    assert len(mocked.calls) == 1  # the redirect was not followed


def test_it_reports_a_connection_error_as_unavailable(mocked, client):
    mocked.get(LIST_URL, body=requests.ConnectionError("Connection refused"))

    with pytest.raises(Unavailable) as caught:
        client.list_customers()

    assert caught.value.http_status is None


def test_it_reports_a_read_timeout_as_an_upstream_timeout(mocked, client):
    mocked.get(LIST_URL, body=requests.ReadTimeout("read timed out"))

    with pytest.raises(UpstreamTimeout):
        client.list_customers()


def test_it_reports_a_connect_timeout_as_unavailable(mocked, client):
    mocked.get(LIST_URL, body=requests.ConnectTimeout("connect timed out"))

    with pytest.raises(Unavailable) as caught:
        client.list_customers()

    assert not isinstance(caught.value, UpstreamTimeout)


class BodyThatBreaks(io.BufferedReader):
    """A response body that delivers a first piece, then fails the way a socket would."""

    def __init__(self, error):
        super().__init__(io.BytesIO(b'{"status": "OK", "meta": {"total_count": 1}, "data": ['))
        self.error = error
        self.reads = 0

    def read(self, size=-1):
        self.reads += 1
        if self.reads > 1:
            raise self.error
        return super().read(16)

    def read1(self, size=-1):
        return self.read(size)

    def readinto(self, buffer):
        raise self.error


def test_it_reports_a_body_that_stops_arriving_as_an_upstream_timeout(mocked, client):
    mocked.get(
        LIST_URL, body=BodyThatBreaks(TimeoutError("timed out")), content_type="application/json"
    )

    with pytest.raises(UpstreamTimeout):
        client.list_customers()


def test_it_reports_a_body_cut_off_by_the_server_as_a_bad_response(mocked, client):
    mocked.get(
        LIST_URL,
        body=BodyThatBreaks(ConnectionResetError("reset by peer")),
        content_type="application/json",
    )

    with pytest.raises(BadResponse):
        client.list_customers()


def test_it_gives_up_reading_a_body_once_the_deadline_has_passed(mocked, monkeypatch):
    class SteppingClock:
        """Each reading of the clock is ten seconds after the previous one."""

        now = 0.0

        @classmethod
        def monotonic(cls):
            cls.now += 10.0
            return cls.now

        time = staticmethod(time.time)

    mocked.get(LIST_URL, json=list_body([CURRENT_RECORD]))
    client = BillogramClient(
        base_url=BASE_URL,
        api_user=API_USER,
        api_password=API_PASSWORD,
        connect_timeout=1.0,
        read_timeout=100.0,
        deadline=15.0,
    )
    monkeypatch.setattr("customers.billogram.time", SteppingClock)

    with pytest.raises(UpstreamTimeout):
        client.list_customers()


def test_it_reports_a_base_url_without_a_scheme_as_unavailable():
    client = BillogramClient(
        base_url="billogram.test/api/v2", api_user=API_USER, api_password=API_PASSWORD
    )

    with pytest.raises(Unavailable):
        client.list_customers()


@pytest.mark.parametrize(
    ("raised", "expected"),
    [
        (requests.ConnectionError("refused"), Unavailable),
        (requests.ConnectTimeout("connect"), Unavailable),
        (requests.ReadTimeout("read"), UpstreamTimeout),
        (requests.Timeout("timeout"), UpstreamTimeout),
        (requests.exceptions.SSLError("bad certificate"), Unavailable),
        (requests.exceptions.ProxyError("proxy"), Unavailable),
        (requests.exceptions.ChunkedEncodingError("chunked"), Unavailable),
        (requests.exceptions.InvalidURL("bad url"), Unavailable),
        (requests.TooManyRedirects("loop"), Unavailable),
        (requests.RequestException("anything"), Unavailable),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else value.__name__,
)
def test_it_lets_no_requests_exception_escape(mocked, client, raised, expected):
    mocked.get(f"{BASE_URL}/customer/2", body=raised)

    with pytest.raises(expected) as caught:
        client.get_customer(2)

    assert isinstance(caught.value, BillogramError)
    assert not isinstance(caught.value, requests.RequestException)


def test_every_error_is_a_billogram_error():
    for error_class in (
        BadCredentials,
        NotFound,
        BadQuery,
        RateLimited,
        Unavailable,
        UpstreamTimeout,
        BadResponse,
    ):
        assert issubclass(error_class, BillogramError)
        assert not issubclass(error_class, requests.RequestException)


def test_it_does_not_carry_cookies_from_one_clients_call_into_another_clients(mocked):
    # A host of its own, so the cookie cannot reach any other test's requests.
    base_url = "https://cookies.billogram.test/api/v2"
    mocked.get(
        f"{base_url}/customer",
        json=list_body([]),
        headers={"Set-Cookie": "billogram_session=tenant-a-session; Path=/"},
    )
    mocked.get(f"{base_url}/customer", json=list_body([]))
    tenant_a = BillogramClient(base_url=base_url, api_user="user-a", api_password="pass-a")
    tenant_b = BillogramClient(base_url=base_url, api_user="user-b", api_password="pass-b")

    tenant_a.list_customers()
    tenant_b.list_customers()

    # A cookie set for one API user must never ride along on another account's call.
    assert "Cookie" not in mocked.calls[1].request.headers


# --- secrets --------------------------------------------------------------------------------


def test_it_keeps_the_password_out_of_its_repr(client):
    assert API_PASSWORD not in repr(client)
    assert API_PASSWORD not in str(client)
    assert BASE_URL in repr(client)


ERROR_ANSWERS = [
    {"status": 401, "json": error_body("MISSING_AUTH", "Authentication is required")},
    {"status": 403, "json": error_body("INVALID_AUTH", "Invalid authentication data")},
    {"status": 404, "json": error_body("NOT_FOUND", "object not found with id=2")},
    {"status": 400, "json": error_body("INVALID_QUERY_PARAMETER", "bad", field="page")},
    {"status": 429, "body": "", "headers": {"Retry-After": "7"}},
    {"status": 500, "body": "<html>oops</html>", "content_type": "text/html"},
    {"status": 302, "body": "", "headers": {"Location": "https://billogram.test/"}},
    {"status": 200, "body": "{not json", "content_type": "application/json"},
    {"status": 200, "json": {"status": "OK", "data": {"name": "no number"}}},
    {"body": requests.ConnectionError(f"refused {BASE_URL}")},
    {"body": requests.ReadTimeout("read timed out")},
    {"body": requests.ConnectTimeout("connect timed out")},
]


@pytest.mark.parametrize("answer", ERROR_ANSWERS)
def test_it_keeps_the_password_out_of_every_error(mocked, client, answer):
    mocked.get(f"{BASE_URL}/customer/2", **answer)

    with pytest.raises(BillogramError) as caught:
        client.get_customer(2)

    assert API_PASSWORD not in str(caught.value)
    assert API_PASSWORD not in repr(caught.value)
    assert API_PASSWORD not in repr(vars(caught.value))


# --- logging --------------------------------------------------------------------------------


def billogram_records(caplog):
    return [r for r in caplog.records if r.name == "billodash.billogram"]


def test_it_logs_one_record_per_successful_call(mocked, client, caplog):
    caplog.set_level(logging.DEBUG, logger="billodash.billogram")
    mocked.get(LIST_URL, json=list_body([CURRENT_RECORD]))

    client.list_customers(filter_type="field", filter_field="name", filter_value="Acme")

    [record] = billogram_records(caplog)
    assert record.method == "GET"
    assert record.path == "/customer"
    assert record.status == 200
    assert isinstance(record.duration_ms, float)
    assert record.duration_ms >= 0


def test_it_logs_the_customer_path_of_a_single_lookup(mocked, client, caplog):
    caplog.set_level(logging.DEBUG, logger="billodash.billogram")
    mocked.get(f"{BASE_URL}/customer/2", json={"status": "OK", "data": CURRENT_RECORD})

    client.get_customer(2)

    [record] = billogram_records(caplog)
    assert record.path == "/customer/2"
    assert record.status == 200


def test_it_logs_one_record_for_a_call_that_fails_with_a_status(mocked, client, caplog):
    caplog.set_level(logging.DEBUG, logger="billodash.billogram")
    mocked.get(LIST_URL, status=403, json=error_body("INVALID_AUTH", "Invalid auth"))

    with pytest.raises(BadCredentials):
        client.list_customers()

    [record] = billogram_records(caplog)
    assert record.method == "GET"
    assert record.path == "/customer"
    assert record.status == 403


def test_it_logs_one_record_without_a_status_when_no_answer_came(mocked, client, caplog):
    caplog.set_level(logging.DEBUG, logger="billodash.billogram")
    mocked.get(LIST_URL, body=requests.ConnectionError("refused"))

    with pytest.raises(Unavailable):
        client.list_customers()

    [record] = billogram_records(caplog)
    assert record.path == "/customer"
    assert record.status is None
    assert record.duration_ms >= 0


def test_it_logs_one_record_per_call_over_several_calls(mocked, client, caplog):
    caplog.set_level(logging.DEBUG, logger="billodash.billogram")
    mocked.get(LIST_URL, json=list_body([]))
    mocked.get(f"{BASE_URL}/customer/9", status=404, json=error_body("NOT_FOUND", "nope"))

    client.list_customers()
    with pytest.raises(NotFound):
        client.get_customer(9)

    assert [(r.path, r.status) for r in billogram_records(caplog)] == [
        ("/customer", 200),
        ("/customer/9", 404),
    ]


@pytest.mark.parametrize("answer", [*ERROR_ANSWERS, {"json": list_body([CURRENT_RECORD])}])
def test_it_keeps_the_password_out_of_the_log(mocked, client, caplog, answer):
    caplog.set_level(logging.DEBUG, logger="billodash.billogram")
    mocked.get(LIST_URL, **answer)

    with contextlib.suppress(BillogramError):
        client.list_customers()

    records = billogram_records(caplog)
    assert len(records) == 1
    assert API_PASSWORD not in caplog.text
    for record in records:
        assert API_PASSWORD not in record.getMessage()
        assert API_PASSWORD not in repr(vars(record))


# --- configuration --------------------------------------------------------------------------


def test_it_takes_default_timeouts_from_settings(settings):
    settings.BILLOGRAM_CONNECT_TIMEOUT = 1.5
    settings.BILLOGRAM_READ_TIMEOUT = 4.0
    settings.BILLOGRAM_DEADLINE = 9.0

    client = BillogramClient(base_url=BASE_URL, api_user=API_USER, api_password=API_PASSWORD)

    assert (client.connect_timeout, client.read_timeout, client.deadline) == (1.5, 4.0, 9.0)


def test_it_passes_its_connect_and_read_timeouts_to_requests(mocked):
    mocked.get(LIST_URL, json=list_body([]))
    client = BillogramClient(
        base_url=BASE_URL,
        api_user=API_USER,
        api_password=API_PASSWORD,
        connect_timeout=2.0,
        read_timeout=5.0,
        deadline=60.0,
    )

    client.list_customers()

    connect, read = mocked.calls[0].request.req_kwargs["timeout"]
    assert connect == 2.0
    assert 0 < read <= 5.0


def test_it_caps_the_read_timeout_at_the_time_left_before_the_deadline(mocked):
    mocked.get(LIST_URL, json=list_body([]))
    client = BillogramClient(
        base_url=BASE_URL,
        api_user=API_USER,
        api_password=API_PASSWORD,
        connect_timeout=2.0,
        read_timeout=30.0,
        deadline=3.0,
    )

    client.list_customers()

    _, read = mocked.calls[0].request.req_kwargs["timeout"]
    assert 0 < read <= 3.0
