"""Writes to Billogram connections, and the connection test."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F

from audit.models import AuditEntry
from audit.services import audit_record
from connections.crypto import CredentialUnreadable
from connections.models import BillogramConnection
from customers import billogram
from customers.errors import wait_phrase


def _audit(actor, connection: BillogramConnection, change: str) -> None:
    audit_record(
        user=actor,
        action=AuditEntry.Action.CONNECTION_CHANGE,
        outcome=change,
        details={"connection": connection.pk, "label": connection.label,
                 "owner": connection.owner.get_username()},
    )  # fmt: skip


@transaction.atomic
def connection_save(
    *, connection: BillogramConnection, api_password: str | None, actor=None
) -> BillogramConnection:
    """Create or update a connection, keeping exactly one active connection per owner.

    A user's first connection becomes the active one; a connection that joins an owner who
    already has an active one (an admin changing its owner) comes in inactive. Every update
    bumps `version`, so results cached under the old settings are never served.
    """
    if api_password:
        connection.set_api_password(api_password)
    if connection.pk:
        connection.version = F("version") + 1
    others_active = (
        BillogramConnection.objects.filter(owner=connection.owner, is_active=True)
        .exclude(pk=connection.pk)
        .exists()
    )
    connection.is_active = not others_active
    created = connection.pk is None
    connection.save()
    connection.refresh_from_db()
    change = "added" if created else ("updated with a new password" if api_password else "updated")
    _audit(actor or connection.owner, connection, change)
    return connection


@transaction.atomic
def connection_activate(*, connection: BillogramConnection, actor=None) -> None:
    BillogramConnection.objects.filter(owner=connection.owner, is_active=True).exclude(
        pk=connection.pk
    ).update(is_active=False)
    BillogramConnection.objects.filter(pk=connection.pk).update(is_active=True)
    connection.is_active = True
    _audit(actor or connection.owner, connection, "activated")


@transaction.atomic
def connection_delete(*, connection: BillogramConnection, actor=None) -> None:
    """Delete a connection; if it was the active one, the next one by label takes over."""
    owner = connection.owner
    # Read from the database: the object in hand may predate a switch made elsewhere.
    was_active = BillogramConnection.objects.filter(pk=connection.pk, is_active=True).exists()
    _audit(actor or owner, connection, "deleted")
    connection.delete()
    if was_active:
        successor = BillogramConnection.objects.filter(owner=owner).first()
        if successor is not None:
            connection_activate(connection=successor)


@dataclass(frozen=True)
class ConnectionTestResult:
    ok: bool
    message: str


def connection_test(*, connection: BillogramConnection) -> ConnectionTestResult:
    """Ask Billogram for a one-row customer list and explain the outcome in plain words."""
    try:
        page = connection.client().list_customers(page=1, page_size=1)
    except CredentialUnreadable as exc:
        return ConnectionTestResult(False, str(exc))
    except billogram.BadCredentials as exc:
        return ConnectionTestResult(
            False,
            f"Billogram refused the API user id or password ({exc.code or exc.http_status}: "
            f"{exc.message}). Check both, and that they belong to this environment: "
            "sandbox and production credentials are separate.",
        )
    except billogram.RateLimited as exc:
        return ConnectionTestResult(
            False,
            f"Billogram asks to wait {wait_phrase(exc)} before the next request; test again then.",
        )
    except billogram.UpstreamTimeout as exc:
        return ConnectionTestResult(
            False, f"Billogram at {connection.base_url} did not answer in time: {exc.message}"
        )
    except billogram.Unavailable as exc:
        return ConnectionTestResult(
            False, f"Could not reach Billogram at {connection.base_url}: {exc.message}"
        )
    except (billogram.NotFound, billogram.BadQuery, billogram.BadResponse) as exc:
        return ConnectionTestResult(
            False,
            f"{connection.base_url} answered, but not as Billogram's API does ({exc.message}). "
            "Check the environment or base URL.",
        )
    except billogram.BillogramError as exc:
        return ConnectionTestResult(False, f"Billogram could not be used: {exc.message}")
    return ConnectionTestResult(True, f"Connected. The account has {page.total_count:,} customers.")
