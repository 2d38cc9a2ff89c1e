import json

import pytest

from sandbox.models import SandboxCustomer
from tests.sandbox.contract import LIST_URL, basic

ACME = ("acme-api", "acme-key")


def stored_documents(account) -> list[dict]:
    """The customer JSON objects the sandbox stores for an account, by customer number."""
    rows = (
        SandboxCustomer.objects.filter(account=account)
        .order_by("customer_no")
        .values_list("document", flat=True)
    )
    return [json.loads(row) for row in rows]


@pytest.fixture
def api(client):
    """GET (or another method) against the sandbox as an API user; acme's by default."""

    def call(path, params=None, *, auth=ACME, method="get", headers=None):
        extra = dict(headers or {})
        if auth is not None:
            extra["HTTP_AUTHORIZATION"] = basic(*auth)
        return getattr(client, method)(path, params or {}, **extra)

    return call


@pytest.fixture
def fetch_all(api):
    """Every customer matching `params`, by paging through the list; (numbers, totals seen)."""

    def fetch(params=None, *, page_size=100, auth=ACME):
        numbers, totals, page = [], set(), 1
        while True:
            response = api(
                LIST_URL, {**(params or {}), "page": page, "page_size": page_size}, auth=auth
            )
            assert response.status_code == 200, response.content
            body = json.loads(response.content)
            totals.add(body["meta"]["total_count"])
            numbers += [c["customer_no"] for c in body["data"]]
            if len(body["data"]) < page_size:
                return numbers, totals
            page += 1

    return fetch


@pytest.fixture
def acme(sandbox_account):
    """A small account (60 customers, seed 1) read by acme-api / acme-key."""
    return sandbox_account("acme", customers=60, seed=1)


@pytest.fixture
def acme_documents(acme):
    return stored_documents(acme)


@pytest.fixture
def big_acme(sandbox_account):
    """200 customers (seed 1): enough that every filter field has values to find."""
    return sandbox_account("acme", customers=200, seed=1)


@pytest.fixture
def big_documents(big_acme):
    return stored_documents(big_acme)
