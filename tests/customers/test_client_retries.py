"""Retries, backoff and Retry-After, against a real local HTTP server (urllib3 sockets run)."""

import json

import pytest
from werkzeug import Response

from customers import billogram
from customers.billogram import BillogramClient, RateLimited, Unavailable

OK_BODY = json.dumps({"status": "OK", "meta": {"total_count": 3}, "data": []})


@pytest.fixture(autouse=True)
def sleeps(settings, monkeypatch):
    """The waits the client takes between attempts, recorded instead of slept."""
    settings.BILLOGRAM_RETRIES = 2
    settings.BILLOGRAM_BACKOFF = 0.25
    settings.BILLOGRAM_RETRY_AFTER_CAP = 3
    waits = []
    monkeypatch.setattr(billogram, "_pause", waits.append)
    return waits


@pytest.fixture
def server(httpserver):
    """pytest-httpserver's shared server, cleared between tests."""
    yield httpserver
    billogram.close_connections()


def _client(server, **kwargs):
    return BillogramClient(
        base_url=server.url_for("/api/v2"), api_user="u", api_password="p", **kwargs
    )


def _answers(server, *responses):
    for response in responses:
        server.expect_ordered_request("/api/v2/customer", method="GET").respond_with_response(
            response
        )


def _json(status, body=None, headers=None):
    return Response(
        body or json.dumps({"status": "ERR", "data": {"message": "x"}}),
        status=status,
        headers=headers,
        content_type="application/json",
    )


@pytest.mark.parametrize("status", [502, 503, 504])
def test_it_retries_a_gateway_failure_and_returns_the_later_answer(server, status):
    _answers(server, _json(status), _json(200, OK_BODY))

    page = _client(server).list_customers()

    assert page.total_count == 3
    assert len(server.log) == 2


def test_it_gives_up_after_two_retries_with_jittered_growing_backoff(server, sleeps):
    _answers(server, _json(503), _json(503), _json(503))

    with pytest.raises(Unavailable) as caught:
        _client(server).list_customers()

    assert caught.value.http_status == 503
    assert len(server.log) == 3
    first, second = sleeps
    assert 0.125 <= first <= 0.25 and 0.25 <= second <= 0.5


def test_it_does_not_retry_a_500(server):
    _answers(server, _json(500))

    with pytest.raises(Unavailable):
        _client(server).list_customers()

    assert len(server.log) == 1


@pytest.mark.parametrize("status", [400, 401, 403, 404])
def test_it_does_not_retry_a_client_error(server, status):
    _answers(server, _json(status))

    with pytest.raises(Exception):  # noqa: B017 (the mapping is tested elsewhere)
        _client(server).list_customers()

    assert len(server.log) == 1


@pytest.mark.parametrize("status", [429, 503])
def test_it_waits_out_a_short_retry_after_then_succeeds(server, sleeps, status):
    _answers(server, _json(status, headers={"Retry-After": "2"}), _json(200, OK_BODY))

    page = _client(server).list_customers()

    assert page.total_count == 3
    assert len(server.log) == 2
    assert sleeps == [2.0]


def test_a_retry_after_beyond_the_cap_is_reported_instead_of_waited(server, sleeps):
    _answers(server, _json(429, headers={"Retry-After": "120"}))

    with pytest.raises(RateLimited) as caught:
        _client(server).list_customers()

    assert caught.value.retry_after == 120
    assert len(server.log) == 1
    assert sleeps == []


def test_no_retry_is_started_that_would_end_past_the_deadline(server, settings):
    settings.BILLOGRAM_RETRY_AFTER_CAP = 10
    _answers(server, _json(503, headers={"Retry-After": "5"}))

    with pytest.raises(Unavailable):
        _client(server, deadline=2).list_customers()

    assert len(server.log) == 1


def test_it_retries_a_refused_connection_then_reports_it(sleeps):
    client = BillogramClient(base_url="http://127.0.0.1:9/api/v2", api_user="u", api_password="p")

    with pytest.raises(Unavailable, match="Could not connect"):
        client.list_customers()

    assert len(sleeps) == 2  # two retries, then the error
