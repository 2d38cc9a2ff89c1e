"""When Billogram fails, an older copy of the same answer is shown, marked, for a while."""

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from tests.helpers import connected_user, page_text

pytestmark = pytest.mark.django_db(transaction=True)
SEARCH = reverse("customers:search") + "?filter_type=special&filter_field=search&filter_value=a"


@pytest.fixture
def alice_on_a_failing_sandbox(client, sandbox_account, sandbox_url, settings):
    settings.BILLOGRAM_RETRIES = 0
    settings.BILLODASH_CACHE_TTL = 60
    settings.BILLODASH_STALE_TTL = 600
    cache.clear()
    account = sandbox_account("acme", customers=30)
    alice = connected_user("alice", base_url=sandbox_url)
    client.force_login(alice)

    def break_sandbox():
        account.fault = "error_503"
        account.save()

    return break_sandbox


def test_an_older_copy_is_shown_with_a_banner_while_billogram_fails(
    client, alice_on_a_failing_sandbox
):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        fresh = client.get(SEARCH)
        assert fresh.status_code == 200
        alice_on_a_failing_sandbox()
        traveller.shift(timedelta(minutes=2))  # the fresh copy has expired

        response = client.get(SEARCH)

    assert response.status_code == 200
    assert "Billogram is not answering — showing results from" in page_text(response)
    assert page_text(fresh).split("Showing")[1][:20] == page_text(response).split("Showing")[1][:20]


def test_after_the_stale_window_the_failure_is_shown(client, alice_on_a_failing_sandbox):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.get(SEARCH)
        alice_on_a_failing_sandbox()
        traveller.shift(timedelta(minutes=11))

        response = client.get(SEARCH)

    assert response.status_code == 503
    assert "Billogram is not answering right now" in page_text(response)
    assert "showing results from" not in page_text(response)


def test_a_search_never_made_before_shows_the_failure(client, alice_on_a_failing_sandbox):
    alice_on_a_failing_sandbox()

    response = client.get(SEARCH)

    assert response.status_code == 503
    assert "Request id:" in page_text(response)
