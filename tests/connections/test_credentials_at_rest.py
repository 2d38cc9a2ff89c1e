"""API passwords at rest: Fernet tokens, key rotation, and what happens with a wrong key."""

import io

import pytest
from cryptography.fernet import Fernet
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection as db

from connections import crypto
from connections.models import BillogramConnection
from customers.billogram import BillogramClient

SENTINEL = "SENTINEL-api-password-51d2"
K1, K2 = Fernet.generate_key().decode(), Fernet.generate_key().decode()


@pytest.fixture
def alice(db):
    return get_user_model().objects.create_user("alice", password="correct horse battery")


def _connection(owner, password=SENTINEL, label="Acme", active=True):
    connection = BillogramConnection(
        owner=owner, label=label, environment="sandbox", api_user="acme-api", is_active=active
    )
    connection.set_api_password(password)
    connection.save()
    return connection


def _raw_column(pk) -> str:
    with db.cursor() as cursor:
        cursor.execute(
            "SELECT api_password_encrypted FROM connections_billogramconnection WHERE id = %s", [pk]
        )
        return cursor.fetchone()[0]


def test_the_database_holds_a_fernet_token_not_the_password(alice, settings):
    connection = _connection(alice)

    raw = _raw_column(connection.pk)

    assert raw.startswith("gAAAA")
    assert SENTINEL not in raw
    assert Fernet(settings.CREDENTIAL_KEYS[0]).decrypt(raw.encode()).decode() == SENTINEL
    assert BillogramConnection.objects.get(pk=connection.pk).api_password() == SENTINEL


def test_rotation_from_one_key_to_the_next_then_dropping_the_old_key_still_decrypts(
    alice, settings
):
    settings.CREDENTIAL_KEYS = [K1]
    connection = _connection(alice)
    before = _raw_column(connection.pk)

    settings.CREDENTIAL_KEYS = [K2, K1]
    call_command("rotate_credentials", stdout=io.StringIO())
    settings.CREDENTIAL_KEYS = [K2]

    assert _raw_column(connection.pk) != before
    assert BillogramConnection.objects.get(pk=connection.pk).api_password() == SENTINEL
    assert BillogramConnection.objects.get(pk=connection.pk).version == connection.version


def test_rotation_reports_rows_no_key_can_read_and_fails(alice, settings):
    settings.CREDENTIAL_KEYS = [K1]
    unreadable = _connection(alice, label="Old")
    settings.CREDENTIAL_KEYS = [K2]
    readable = _connection(alice, label="New", active=False)

    with pytest.raises(CommandError, match=f"ids {unreadable.pk}"):
        call_command("rotate_credentials", stdout=io.StringIO())
    assert BillogramConnection.objects.get(pk=readable.pk).api_password() == SENTINEL


def test_a_wrong_key_gives_a_clear_error_and_never_reaches_billogram(alice, settings, monkeypatch):
    settings.CREDENTIAL_KEYS = [K1]
    connection = _connection(alice)
    settings.CREDENTIAL_KEYS = [K2]
    calls = []
    monkeypatch.setattr(BillogramClient, "_get", lambda *args, **kwargs: calls.append(args))

    with pytest.raises(crypto.CredentialUnreadable, match="Enter the API password again"):
        BillogramConnection.objects.get(pk=connection.pk).client()

    assert calls == []


def test_a_malformed_key_setting_is_reported_as_such(settings):
    settings.CREDENTIAL_KEYS = ["not-a-fernet-key"]

    with pytest.raises(Exception, match="BILLODASH_CREDENTIAL_KEYS must be"):
        crypto.encrypt("x")
