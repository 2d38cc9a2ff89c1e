"""The audit trail: what is recorded, who may read it, filtering, and pruning."""

import io
import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from connections.models import BillogramConnection
from connections.services import connection_activate, connection_delete, connection_save
from tests.helpers import connected_user

PASSWORD = "correct horse battery"
SENTINEL = "SENTINEL-audit-api-password"


@pytest.fixture
def alice(db):
    return get_user_model().objects.create_user("alice", password=PASSWORD)


@pytest.fixture
def auditor(db):
    user = get_user_model().objects.create_user("carol", password=PASSWORD)
    user.user_permissions.add(Permission.objects.get(codename="view_auditentry"))
    return user


def _entries(action):
    return list(AuditEntry.objects.filter(action=action).order_by("id"))


def test_logins_and_failed_logins_are_recorded_without_the_password(client, alice):
    client.post(reverse("login"), {"username": "alice", "password": "wrong-" + SENTINEL})
    client.post(reverse("login"), {"username": "alice", "password": PASSWORD})

    (failed,) = _entries(AuditEntry.Action.LOGIN_FAILED)
    (login,) = _entries(AuditEntry.Action.LOGIN)
    assert (failed.username, failed.user, failed.outcome) == ("alice", None, "refused")
    assert (login.user, login.outcome) == (alice, "ok")
    assert failed.request_id and login.request_id
    assert SENTINEL not in str(list(AuditEntry.objects.values()))


def test_connection_changes_are_recorded_with_label_not_password(alice):
    connection = BillogramConnection(
        owner=alice, label="Acme", environment="sandbox", api_user="acme-api"
    )
    connection = connection_save(connection=connection, api_password=SENTINEL)
    connection_save(connection=connection, api_password=None)
    second = connection_save(
        connection=BillogramConnection(
            owner=alice, label="Other", environment="sandbox", api_user="x"
        ),
        api_password="other",
    )
    connection_activate(connection=second)
    connection_delete(connection=connection)

    changes = [e.outcome for e in _entries(AuditEntry.Action.CONNECTION_CHANGE)]
    assert changes == [
        "added",
        "updated",
        "added",
        "activated",
        "deleted",
    ]
    assert all(e.user == alice for e in _entries(AuditEntry.Action.CONNECTION_CHANGE))
    assert SENTINEL not in str(list(AuditEntry.objects.values()))


@pytest.mark.django_db(transaction=True)
def test_searches_and_customer_views_are_recorded_with_their_outcome(
    client, sandbox_account, sandbox_url
):
    sandbox_account("acme", customers=12)
    client.force_login(connected_user("alice", base_url=sandbox_url))

    client.get(reverse("customers:search") + "?filter_type=field&filter_field=name&filter_value=x")
    client.get(reverse("customers:detail", args=[3]))
    client.get(reverse("customers:detail", args=[999]))

    (search,) = _entries(AuditEntry.Action.SEARCH)
    assert search.details["filter_field"] == "name" and search.details["page_size"] == 25
    assert search.outcome == "ok"
    views = _entries(AuditEntry.Action.CUSTOMER_VIEW)
    assert [(v.details["customer_no"], v.outcome) for v in views] == [(3, "ok"), (999, "not found")]


def test_ordinary_users_cannot_reach_the_audit_trail(client, alice):
    client.force_login(alice)

    assert client.get(reverse("audit:list")).status_code == 403
    assert reverse("audit:list") not in client.get(reverse("connections:list")).content.decode()


def test_auditors_browse_filter_and_sort_it(client, alice, auditor):
    client.force_login(auditor)
    AuditEntry.objects.all().delete()  # leave out the auditor's own login
    AuditEntry.objects.create(user=alice, username="alice", action="search", outcome="ok")
    AuditEntry.objects.create(user=auditor, username="carol", action="login", outcome="ok")

    def users_listed(**params):
        html = client.get(reverse("audit:list"), params).content.decode()
        return re.findall(r"<td[^>]*>(alice|carol)</td>", html.split("<tbody")[1])

    assert sorted(users_listed()) == ["alice", "carol"]
    assert users_listed(user=alice.pk) == ["alice"]
    assert users_listed(action="login") == ["carol"]
    assert users_listed(sort="username") == ["alice", "carol"]
    assert users_listed(sort="-username") == ["carol", "alice"]


def test_the_date_range_filter_keeps_only_entries_inside_it(client, auditor):
    with time_machine.travel(timezone.now() - timedelta(days=10)):
        AuditEntry.objects.create(username="old", action="search")
    AuditEntry.objects.create(username="new", action="search")
    client.force_login(auditor)
    since = (timezone.localdate() - timedelta(days=2)).isoformat()

    body = client.get(reverse("audit:list"), {"since": since}).content.decode()

    rows = body.split("<tbody")[1]
    assert ">new<" in rows and ">old<" not in rows


def test_pruning_deletes_only_entries_past_the_retention(db, settings):
    settings.BILLODASH_AUDIT_RETENTION_DAYS = 180
    with time_machine.travel(timezone.now() - timedelta(days=181)):
        AuditEntry.objects.create(username="old", action="search")
    with time_machine.travel(timezone.now() - timedelta(days=179)):
        AuditEntry.objects.create(username="recent", action="search")

    call_command("prune_audit", stdout=io.StringIO())

    assert list(AuditEntry.objects.values_list("username", flat=True)) == ["recent"]
