"""Reads for the dashboard: each picks the user's active connection, then cache or client.

Cache keys are built from the connection's id and version and a hash of the Billogram
parameters, never from the API user or password: two users share an entry only if they share
a connection, and a changed connection never serves what was fetched under its old settings.
"""

import hashlib
import json
from dataclasses import dataclass

from connections.models import BillogramConnection
from connections.selectors import user_connections
from customers import billogram
from customers.billogram import BillogramClient
from customers.caching import Cached, fetch_cached
from customers.export import EXPORT_PAGE_SIZE
from customers.query import SearchQuery
from customers.records import CustomerPage, CustomerRow

KEY_PREFIX = "billodash:billogram:v2"  # the version moves on whenever cached values change shape
# Failures of Billogram itself, when an older answer is better than none.
BILLOGRAM_TROUBLE = (
    billogram.Unavailable,
    billogram.UpstreamTimeout,
    billogram.BadResponse,
    billogram.RateLimited,
)


class NoActiveConnection(Exception):
    """The user has no active Billogram connection yet."""


def active_connection(*, user) -> BillogramConnection:
    connection = next((c for c in user_connections(user) if c.is_active), None)
    if connection is None:
        raise NoActiveConnection()
    return connection


def cache_key(connection: BillogramConnection, call: str, params: dict) -> str:
    digest = hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()
    return f"{KEY_PREFIX}:{connection.pk}:{connection.version}:{call}:{digest}"


def customer_search(*, user, query: SearchQuery, refresh: bool = False) -> Cached:
    """One page of the active account's customers for `query` (a Cached CustomerPage of
    CustomerRow records).

    Raises NoActiveConnection, CredentialUnreadable or a BillogramError.
    """
    connection = active_connection(user=user)
    params = query.billogram_params()
    return fetch_cached(
        cache_key(connection, "customer-list", params),
        lambda: connection.client().list_customers(**params, record=CustomerRow),
        refresh=refresh,
        stale_on=BILLOGRAM_TROUBLE,
    )


@dataclass(frozen=True)
class CustomerLookup:
    result: Cached  # the Customer, with when and how it was fetched
    web_url: str | None  # the customer in Billogram's web app, when the environment has one


def customer_get(*, user, customer_no: int, refresh: bool = False) -> CustomerLookup:
    """One customer of the active account."""
    connection = active_connection(user=user)
    result = fetch_cached(
        cache_key(connection, "customer", {"customer_no": customer_no}),
        lambda: connection.client().get_customer(customer_no),
        refresh=refresh,
        stale_on=BILLOGRAM_TROUBLE,
    )
    return CustomerLookup(result, connection.web_url_for_customer(customer_no))


def customer_export_start(*, user, query: SearchQuery) -> tuple[BillogramClient, CustomerPage]:
    """The client for the user's active connection and the export's first page (uncached:
    an export reads the account as it is now)."""
    client = active_connection(user=user).client()
    return client, client.list_customers(
        **query.with_page_size(EXPORT_PAGE_SIZE).billogram_params()
    )
