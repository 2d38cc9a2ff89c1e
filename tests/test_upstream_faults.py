"""Every fault the sandbox can inject ends in a clear page with a fitting status and a
request id, on the search page, the detail page and the connection test alike."""

import logging
import time

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import reverse

from tests.helpers import connect, page_text

pytestmark = pytest.mark.django_db(transaction=True)
SENTINEL = "SENTINEL-fault-api-password"

# fault settings on the sandbox account -> (status of the page, words the page must say)
FAULTS = {
    "latency": ({"latency_ms": 900}, 504, "did not answer in time"),
    "error_500": ({"fault": "error_500"}, 502, "not answering right now"),
    "error_503": ({"fault": "error_503"}, 503, "not answering right now"),
    "rate_limit": ({"fault": "rate_limit", "retry_after": 30}, 429, "wait 30 s"),
    "malformed_json": ({"fault": "malformed_json"}, 502, "could not read"),
    "html_error": ({"fault": "html_error"}, 502, "not answering right now"),
    "stall_body": ({"fault": "stall_body", "stall_seconds": 0.9}, 504, "did not answer in time"),
}
SLOW = {"latency", "stall_body"}  # these need a read timeout shorter than their delay
CONNECTION_TEST_WORDS = {504: "did not answer in time", 429: "wait 30 s"}


@pytest.fixture(autouse=True)
def no_secret_in_any_log(caplog):
    """Every logger at DEBUG for the test; afterwards no record may hold the API password."""
    loggers = [logging.getLogger(name) for name in list(logging.root.manager.loggerDict)]
    levels = [(logger, logger.level) for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    caplog.set_level(logging.DEBUG)
    yield
    for logger, level in levels:
        logger.setLevel(level)
    records = caplog.get_records("call")
    assert any(record.name == "billodash.billogram" for record in records)
    for record in records:
        assert SENTINEL not in record.getMessage() and SENTINEL not in repr(record.__dict__)


def _inject(account, fault, settings):
    """Set the sandbox account to answer with `fault` (a key of FAULTS); a slow fault gets a
    short read timeout. Returns what the fault should look like: (status, words)."""
    if fault in SLOW:
        settings.BILLOGRAM_READ_TIMEOUT = 0.3
    for field, value in FAULTS[fault][0].items():
        setattr(account, field, value)
    account.save()
    return FAULTS[fault][1:]


@pytest.fixture
def alice(client, sandbox_account, sandbox_url, settings):
    settings.BILLOGRAM_RETRIES = 1
    settings.BILLOGRAM_BACKOFF = 0.01
    cache.clear()
    user = get_user_model().objects.create_user("alice", password="pw")
    account = sandbox_account("acme", customers=10, api_key=SENTINEL)
    connection = connect(user, base_url=sandbox_url, api_key=SENTINEL)
    client.force_login(user)
    yield user, account, connection
    # Let the sandbox finish a slow answer while its test database still exists.
    account.refresh_from_db()
    stall = account.stall_seconds if account.fault == "stall_body" else 0
    time.sleep(max(account.latency_ms / 1000, stall))


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize(
    "page", [reverse("customers:search"), reverse("customers:detail", args=[3])]
)
def test_a_fault_is_a_clear_page_with_a_fitting_status(client, alice, fault, page, settings):
    user, account, _ = alice
    status, words = _inject(account, fault, settings)

    response = client.get(page)

    text = page_text(response)
    assert response.status_code == status
    assert words in text
    assert f"Request id: <code>{response['X-Request-ID']}</code>" in text
    assert "Traceback" not in text and SENTINEL not in text
    assert client.get(reverse("connections:list")).wsgi_request.user == user  # still logged in


@pytest.mark.parametrize("fault", FAULTS)
def test_the_connection_test_explains_each_fault(client, alice, fault, settings):
    _, account, connection = alice
    status, _ = _inject(account, fault, settings)

    response = client.post(reverse("connections:test", args=[connection.pk]), follow=True)

    page = page_text(response)
    assert response.status_code == 200
    assert "Acme:" in page and "Connected" not in page
    assert CONNECTION_TEST_WORDS.get(status, "Billogram") in page
    assert SENTINEL not in page


def test_a_refused_connection_is_a_502_page(client, alice):
    _, _, connection = alice
    connection.custom_base_url = "http://127.0.0.1:9/api/v2"
    connection.save()

    response = client.get(reverse("customers:search"))

    assert response.status_code == 502
    assert "not answering right now" in page_text(response)
