"""The Billogram client over real HTTP, against the built-in sandbox served by live_server."""

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from urllib3.connection import HTTPConnection

from customers import billogram
from customers.billogram import (
    BadCredentials,
    BadQuery,
    BillogramClient,
    NotFound,
    Unavailable,
    UpstreamTimeout,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def client_for_acme(sandbox_account, sandbox_url):
    sandbox_account("acme", customers=40, api_user="acme-api", api_key="acme-key")
    return BillogramClient(base_url=sandbox_url, api_user="acme-api", api_password="acme-key")


def test_it_lists_a_page_of_customers_with_the_total(client_for_acme):
    page = client_for_acme.list_customers(page=2, page_size=15)

    assert page.total_count == 40
    assert [c.customer_no for c in page.customers] == list(range(16, 31))


def test_it_filters_and_orders_through_billogram_parameters(client_for_acme):
    everyone = client_for_acme.list_customers(page_size=100).customers
    city = everyone[0].address.city

    page = client_for_acme.list_customers(
        filter_type="field",
        filter_field="address:city",
        filter_value=city,
        order_field="customer_no",
        order_direction="desc",
    )

    expected = sorted(
        (c.customer_no for c in everyone if c.address and c.address.city == city), reverse=True
    )
    assert [c.customer_no for c in page.customers] == expected
    assert page.total_count == len(expected)


def test_it_reads_one_customer_in_either_record_shape(client_for_acme):
    everyone = client_for_acme.list_customers(page_size=100).customers
    older = next(c for c in everyone if c.updated_at is None and c.created_at is not None)
    current = next(c for c in everyone if c.updated_at is not None)

    assert client_for_acme.get_customer(older.customer_no) == older
    assert client_for_acme.get_customer(current.customer_no) == current
    assert older.address.address_line_1  # the older street_address, read as the first line


def test_it_reports_an_unknown_customer_as_not_found(client_for_acme):
    with pytest.raises(NotFound) as caught:
        client_for_acme.get_customer(999_999)

    assert caught.value.http_status == 404
    assert caught.value.code == "NOT_FOUND"


def test_it_reports_a_rejected_query_with_the_field(client_for_acme):
    with pytest.raises(BadQuery) as caught:
        client_for_acme.list_customers(order_field="favourite_colour")

    assert caught.value.field == "order_field"


def test_calls_from_any_thread_reuse_one_kept_alive_connection(client_for_acme, monkeypatch):
    billogram.close_connections()  # start from no kept connection
    opened = []
    connect = HTTPConnection.connect

    def counted(connection):
        opened.append(connection.port)
        return connect(connection)

    monkeypatch.setattr(HTTPConnection, "connect", counted)

    client_for_acme.list_customers(page_size=5)
    with ThreadPoolExecutor(max_workers=1) as other_thread:
        other_thread.submit(client_for_acme.list_customers, page_size=5).result()
    client_for_acme.get_customer(1)

    assert len(opened) == 1


def test_it_reports_wrong_credentials(sandbox_account, sandbox_url):
    sandbox_account("acme", customers=5, api_user="acme-api", api_key="acme-key")
    client = BillogramClient(base_url=sandbox_url, api_user="acme-api", api_password="wrong")

    with pytest.raises(BadCredentials) as caught:
        client.list_customers()

    assert (caught.value.http_status, caught.value.code) == (403, "INVALID_AUTH")


def test_it_reports_a_closed_port_as_unavailable(sandbox_account, live_server):
    # Port 9 (discard) is not listening on loopback here, so the connection is refused.
    client = BillogramClient(base_url="http://127.0.0.1:9/api/v2", api_user="a", api_password="b")

    with pytest.raises(Unavailable):
        client.list_customers()


STALL_SECONDS = 0.8


@pytest.fixture
def stalling_sandbox(sandbox_account, sandbox_url):
    account = sandbox_account("acme", customers=5, api_user="acme-api", api_key="acme-key")
    account.fault, account.stall_seconds = "stall_body", STALL_SECONDS
    account.save()
    yield sandbox_url
    # Let the sandbox finish its stalled answer while the test database still exists.
    time.sleep(STALL_SECONDS)


def test_it_gives_up_on_a_body_that_stalls_past_the_read_timeout(stalling_sandbox):
    client = BillogramClient(
        base_url=stalling_sandbox, api_user="acme-api", api_password="acme-key", read_timeout=0.2
    )

    with pytest.raises(UpstreamTimeout):
        client.list_customers()


def test_the_overall_deadline_caps_a_longer_read_timeout(stalling_sandbox):
    client = BillogramClient(
        base_url=stalling_sandbox,
        api_user="acme-api",
        api_password="acme-key",
        read_timeout=10,
        deadline=0.2,
    )

    with pytest.raises(UpstreamTimeout):
        client.list_customers()
