"""Fixtures for the search page tests that need no connection and no network."""

from dataclasses import dataclass, field

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from customers.caching import Cached
from customers.records import CustomerPage


@dataclass
class FakeSearch:
    """Stands in for customers.selectors.customer_search: no connection, no network."""

    page: CustomerPage = field(default_factory=lambda: CustomerPage(total_count=0, customers=()))
    calls: list = field(default_factory=list)

    def returns(self, total_count, customers=()):
        self.page = CustomerPage(total_count=total_count, customers=tuple(customers))

    def __call__(self, *, user, query, refresh=False):
        self.calls.append({"user": user, "query": query, "refresh": refresh})
        return Cached(self.page, timezone.now(), f"fake-search:{len(self.calls)}")


@pytest.fixture
def search(monkeypatch):
    fake = FakeSearch()
    monkeypatch.setattr("customers.views.customer_search", fake)
    return fake


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user("staff", password="correct horse battery")


@pytest.fixture
def logged_in(client, staff):
    client.force_login(staff)
    return client
