"""provision_user: logins and connections from scripts, secrets only from the environment."""

import io

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from connections.models import BillogramConnection


def _provision(*args):
    out = io.StringIO()
    call_command("provision_user", *args, stdout=out)
    return out.getvalue()


def _can_log_in(username, password):
    return authenticate(RequestFactory().post("/"), username=username, password=password)


def test_it_creates_a_login_with_the_password_from_the_environment(db, monkeypatch):
    monkeypatch.setenv("CAROL_PASSWORD", "a long login password")

    printed = _provision("carol", "--password-env", "CAROL_PASSWORD")

    assert _can_log_in("carol", "a long login password")
    assert "a long login password" not in printed


def test_it_updates_an_existing_login_and_its_named_connection(db, monkeypatch):
    monkeypatch.setenv("PW", "first password")
    monkeypatch.setenv("KEY", "first-api-key")
    args = ["carol", "--password-env", "PW", "--api-user", "carol-api", "--api-key-env", "KEY"]
    _provision(*args, "--api-base", "https://sandbox.billogram.com/api/v2", "--label", "Sandbox")
    monkeypatch.setenv("PW", "second password")
    monkeypatch.setenv("KEY", "second-api-key")

    printed = _provision(
        *args, "--api-base", "https://sandbox.billogram.com/api/v2/", "--label", "Sandbox"
    )

    assert _can_log_in("carol", "second password")
    connection = BillogramConnection.objects.get(owner__username="carol")
    assert connection.environment == "sandbox"
    assert connection.api_password() == "second-api-key"
    assert connection.is_active and connection.version == 2
    assert "second-api-key" not in printed
    assert get_user_model().objects.filter(username="carol").count() == 1


def test_a_custom_base_url_becomes_a_custom_environment(db, monkeypatch):
    monkeypatch.setenv("PW", "some password")
    monkeypatch.setenv("KEY", "k")

    _provision(
        "dave", "--password-env", "PW", "--api-base", "http://127.0.0.1:8000/sandbox/api/v2",
        "--api-user", "dave-api", "--api-key-env", "KEY",
    )  # fmt: skip

    connection = BillogramConnection.objects.get(owner__username="dave")
    assert (connection.environment, connection.base_url) == (
        "custom",
        "http://127.0.0.1:8000/sandbox/api/v2",
    )


def test_it_refuses_an_empty_secret_variable(db, monkeypatch):
    monkeypatch.delenv("NOPE", raising=False)

    with pytest.raises(CommandError, match="NOPE"):
        _provision("erin", "--password-env", "NOPE")
    assert not get_user_model().objects.filter(username="erin").exists()


def test_connection_options_go_together(db, monkeypatch):
    monkeypatch.setenv("PW", "some password")

    with pytest.raises(CommandError, match="go together"):
        _provision("erin", "--password-env", "PW", "--api-user", "erin-api")


def test_it_has_no_option_that_takes_a_secret_on_the_command_line(db):
    with pytest.raises(CommandError, match="unrecognized arguments: --password secret"):
        call_command("provision_user", "erin", "--password-env", "PW", "--password", "secret")
    assert not get_user_model().objects.filter(username="erin").exists()
