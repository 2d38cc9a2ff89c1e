"""A Redis outage degrades billodash to cache misses, never to error pages; check_services
(the deploy step) does not forgive it. The cache points at a loopback port that refuses
connections, configured as settings.py configures Redis (IGNORE_EXCEPTIONS, short timeouts);
upstream is the sandbox over real HTTP, calls counted at BillogramClient._fetch."""

import logging

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.helpers import connected_user, count_fetches

pytestmark = pytest.mark.django_db(transaction=True)

SEARCH = reverse("customers:search")


@pytest.fixture
def upstream_calls(monkeypatch) -> list[str]:
    """The path of every request the dashboard sends to Billogram."""
    return count_fetches(monkeypatch, record=lambda path, params: path)


@pytest.fixture
def acme(sandbox_account):
    return sandbox_account("acme", customers=12, seed=3)


@pytest.fixture
def alice(client, unreachable_redis, acme, sandbox_url):
    client.force_login(connected_user("alice", base_url=sandbox_url))
    return client


def _request_lines(caplog, path) -> list[logging.LogRecord]:
    return [
        record
        for record in caplog.records
        if record.name == "billodash.request" and getattr(record, "path", None) == path
    ]


def test_a_search_answers_from_billogram_each_time(alice, acme, upstream_calls, caplog):
    caplog.set_level(logging.INFO)
    numbers = sorted(acme.customers.values_list("customer_no", flat=True))

    first = alice.get(SEARCH)
    second = alice.get(SEARCH)

    for response in (first, second):
        assert response.status_code == 200
        result = response.context["result"]
        assert (result.from_cache, result.stale) == (False, False)
        assert result.value.total_count == 12
        assert sorted(c.customer_no for c in result.value.customers) == numbers
        page = response.content.decode()
        assert all(reverse("customers:detail", args=[no]) in page for no in numbers)
    assert upstream_calls == ["customer", "customer"]  # both misses, neither an error
    assert [record.cache for record in _request_lines(caplog, SEARCH)] == ["miss", "miss"]
    # ... because the cache really was unreachable, and said so in the log:
    assert any(record.name == "billodash.cache" for record in caplog.records)


def test_a_customer_page_answers_from_billogram_each_time(alice, acme, upstream_calls):
    customer = acme.customers.order_by("customer_no").first()
    url = reverse("customers:detail", args=[customer.customer_no])

    first = alice.get(url)
    second = alice.get(url)

    for response in (first, second):
        assert response.status_code == 200
        assert response.context["customer"].customer_no == customer.customer_no
        assert response.context["result"].from_cache is False
    assert upstream_calls == [f"customer/{customer.customer_no}"] * 2


def test_check_services_names_the_unreachable_cache(unreachable_redis, capsys):
    with pytest.raises(CommandError, match=r"unreachable: cache \(Redis\)") as failure:
        call_command("check_services")

    assert "database" not in str(failure.value)  # only what is really down is named
    assert "database: ok" in capsys.readouterr().out


def test_check_services_passes_when_both_answer(capsys):
    call_command("check_services")

    out = capsys.readouterr().out
    assert "database: ok" in out
    assert "cache: ok" in out
