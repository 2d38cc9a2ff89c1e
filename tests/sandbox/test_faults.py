"""Fault injection: the sandbox misbehaves on purpose, per account or for every account at once.

No test here measures time: latency is checked as arithmetic and as the pause the view asks for.
"""

import json

import pytest
from django.core.exceptions import ImproperlyConfigured

from sandbox import faults as faults_module
from sandbox.faults import Faults, parse_faults
from tests.sandbox.conftest import stored_documents
from tests.sandbox.contract import LIST_URL, detail_url, json_body

PATHS = [pytest.param(LIST_URL, id="list"), pytest.param(detail_url(3), id="detail")]


def set_faults(account, **values):
    for name, value in values.items():
        setattr(account, name, value)
    account.save()


def normal_answer(account, path) -> dict:
    documents = stored_documents(account)
    if path == LIST_URL:
        return {"status": "OK", "meta": {"total_count": len(documents)}, "data": documents}
    return {"status": "OK", "data": documents[2]}


@pytest.fixture
def small(sandbox_account):
    return sandbox_account("acme", customers=30)


# --- each fault, set on the account --------------------------------------------------------


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(("fault", "status"), [("error_500", 500), ("error_503", 503)])
def test_a_server_error_fault_answers_with_its_status(api, small, path, fault, status):
    set_faults(small, fault=fault, fault_rate=1.0)

    assert api(path).status_code == status


@pytest.mark.parametrize("path", PATHS)
def test_rate_limit_answers_429_with_the_accounts_retry_after(api, small, path):
    set_faults(small, fault="rate_limit", fault_rate=1.0, retry_after=17)

    response = api(path)

    assert response.status_code == 429
    assert response["Retry-After"] == "17"


@pytest.mark.parametrize("path", PATHS)
def test_malformed_json_is_a_200_json_answer_that_does_not_parse(api, small, path):
    set_faults(small, fault="malformed_json", fault_rate=1.0)

    response = api(path)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.content
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.content)


@pytest.mark.parametrize("path", PATHS)
def test_html_error_is_a_502_html_page(api, small, path):
    set_faults(small, fault="html_error", fault_rate=1.0)

    response = api(path)

    assert response.status_code == 502
    assert response["Content-Type"].split(";")[0] == "text/html"
    assert b"<html" in response.content.lower()
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.content)


@pytest.mark.parametrize("path", PATHS)
def test_stall_body_streams_the_full_answer_with_its_full_content_length(api, small, path):
    set_faults(small, fault="stall_body", fault_rate=1.0, stall_seconds=0.01)

    response = api(path)

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/json"
    chunks = list(response.streaming_content)
    body = b"".join(chunks)
    assert int(response["Content-Length"]) == len(body)
    assert len(chunks) >= 2  # it pauses inside the body, not before it
    assert json.loads(body) == normal_answer(small, path)


def test_stall_body_pauses_for_the_accounts_stall_seconds(api, small, monkeypatch):
    set_faults(small, fault="stall_body", fault_rate=1.0, stall_seconds=0.25)
    pauses = []
    monkeypatch.setattr("sandbox.views.time.sleep", pauses.append)

    response = api(LIST_URL)
    assert pauses == []  # the headers and first half come before the pause
    b"".join(response.streaming_content)

    assert pauses == [0.25]


# --- how often ----------------------------------------------------------------------------


def test_fault_rate_0_never_injects(api, small):
    set_faults(small, fault="error_500", fault_rate=0.0)

    answers = [api(LIST_URL, {"page_size": 5, "page": n}) for n in range(1, 21)]

    assert {a.status_code for a in answers} == {200}
    assert json_body(answers[0])["data"] == stored_documents(small)[:5]


def test_no_fault_means_a_normal_answer(api, small):
    set_faults(small, fault="", fault_rate=1.0)

    assert json_body(api(LIST_URL)) == normal_answer(small, LIST_URL)


@pytest.mark.parametrize(("draw", "status"), [(0.49, 503), (0.51, 200)])
def test_fault_rate_is_the_share_of_answers_that_get_the_fault(
    api, small, monkeypatch, draw, status
):
    set_faults(small, fault="error_503", fault_rate=0.5)
    monkeypatch.setattr(faults_module.random, "random", lambda: draw)

    assert api(LIST_URL).status_code == status


def test_pick_fault_follows_the_rate():
    assert Faults(fault="error_500", fault_rate=1.0).pick_fault() == "error_500"
    assert {Faults(fault="error_500", fault_rate=0.0).pick_fault() for _ in range(200)} == {""}
    assert Faults(fault="", fault_rate=1.0).pick_fault() == ""


# --- for every account at once: the SANDBOX_FAULTS setting --------------------------------


def test_the_setting_injects_a_fault_for_an_account_without_one(api, small, settings):
    settings.SANDBOX_FAULTS = "fault=error_503"

    assert api(LIST_URL).status_code == 503
    assert api(detail_url(1)).status_code == 503


def test_the_setting_replaces_the_accounts_own_faults(api, small, settings):
    set_faults(small, fault="error_500", fault_rate=1.0)
    settings.SANDBOX_FAULTS = "fault=rate_limit,retry_after=9"

    response = api(LIST_URL)

    assert response.status_code == 429
    assert response["Retry-After"] == "9"


def test_an_empty_setting_leaves_the_accounts_faults_in_charge(api, small, settings):
    set_faults(small, fault="error_500", fault_rate=1.0)
    settings.SANDBOX_FAULTS = ""

    assert api(LIST_URL).status_code == 500


def test_the_setting_with_rate_0_answers_normally(api, small, settings):
    settings.SANDBOX_FAULTS = "fault=error_503,fault_rate=0"

    assert json_body(api(LIST_URL)) == normal_answer(small, LIST_URL)


# --- latency, as arithmetic ---------------------------------------------------------------


def test_delay_seconds_is_the_latency_in_seconds():
    assert Faults().delay_seconds() == 0
    assert Faults(latency_ms=200).delay_seconds() == pytest.approx(0.2)
    assert Faults(latency_ms=1500).delay_seconds() == pytest.approx(1.5)


def test_delay_seconds_adds_jitter_between_0_and_jitter_ms(monkeypatch):
    delays = {Faults(latency_ms=200, jitter_ms=50).delay_seconds() for _ in range(200)}
    assert all(0.2 <= d <= 0.25 for d in delays)
    assert len(delays) > 1

    monkeypatch.setattr(faults_module.random, "uniform", lambda low, high: high)
    assert Faults(latency_ms=200, jitter_ms=50).delay_seconds() == pytest.approx(0.25)


def test_the_view_pauses_for_the_accounts_latency(api, small, monkeypatch):
    set_faults(small, latency_ms=200)
    pauses = []
    monkeypatch.setattr("sandbox.views.time.sleep", pauses.append)

    response = api(LIST_URL)

    assert response.status_code == 200
    assert pauses == [pytest.approx(0.2)]


def test_the_view_does_not_pause_without_latency(api, small, monkeypatch):
    pauses = []
    monkeypatch.setattr("sandbox.views.time.sleep", pauses.append)

    api(LIST_URL)

    assert pauses == []


# --- parsing the setting ------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   "])
def test_an_empty_setting_means_no_faults(text):
    assert parse_faults(text) is None


def test_it_parses_every_key_of_the_setting():
    parsed = parse_faults(
        "latency_ms=50, jitter_ms=10, fault=error_503, fault_rate=0.2, retry_after=7,"
        " stall_seconds=1.5"
    )

    assert parsed == Faults(
        latency_ms=50,
        jitter_ms=10,
        fault="error_503",
        fault_rate=0.2,
        retry_after=7,
        stall_seconds=1.5,
    )


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("bogus=1", id="unknown-key"),
        pytest.param("latency_ms", id="no-value"),
        pytest.param("latency_ms=fast", id="bad-int"),
        pytest.param("latency_ms=1.5", id="float-for-int"),
        pytest.param("fault_rate=often", id="bad-float"),
        pytest.param("fault=explode", id="unknown-fault"),
        pytest.param("fault=error_503,,", id="empty-item"),
        pytest.param("fault=error_503;latency_ms=5", id="wrong-separator"),
    ],
)
def test_it_rejects_a_bad_setting(text):
    with pytest.raises(ImproperlyConfigured):
        parse_faults(text)


# A negative latency would make every sandbox answer fail; refuse it at start-up.
@pytest.mark.parametrize("text", ["latency_ms=-5", "jitter_ms=-10"])
def test_it_rejects_a_negative_latency_setting(text):
    with pytest.raises(ImproperlyConfigured):
        parse_faults(text)
