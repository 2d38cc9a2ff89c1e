"""Reads for the dashboard: each picks the user's active connection and calls the client."""

from dataclasses import dataclass

from connections.crypto import CredentialUnreadable
from connections.models import BillogramConnection
from customers.billogram import BillogramError


class NoActiveConnection(Exception):
    """The user has no active Billogram connection yet."""


def active_connection(*, user) -> BillogramConnection:
    connection = BillogramConnection.objects.filter(owner=user, is_active=True).first()
    if connection is None:
        raise NoActiveConnection()
    return connection


@dataclass(frozen=True)
class AccountOverview:
    connection: BillogramConnection | None
    customer_count: int | None = None
    error: str | None = None


def account_overview(*, user) -> AccountOverview:
    """The active connection and how many customers its Billogram account holds."""
    try:
        connection = active_connection(user=user)
    except NoActiveConnection:
        return AccountOverview(connection=None)
    try:
        page = connection.client().list_customers(page=1, page_size=1)
    except (BillogramError, CredentialUnreadable) as exc:
        return AccountOverview(connection=connection, error=str(exc))
    return AccountOverview(connection=connection, customer_count=page.total_count)
