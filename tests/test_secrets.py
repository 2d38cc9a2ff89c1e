"""A sentinel API password never shows up in any page or any log record, even at DEBUG."""

import base64
import logging
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from connections.models import BillogramConnection

SENTINEL = "SENTINEL-7c1e-api-password"
LOGIN_PASSWORD = "correct horse battery"


@pytest.fixture
def every_logger_at_debug(caplog):
    loggers = [logging.getLogger()] + [
        logging.getLogger(name) for name in list(logging.root.manager.loggerDict)
    ]
    saved = [(logger, logger.level, logger.disabled) for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
        logger.disabled = False
    caplog.set_level(logging.DEBUG)
    yield caplog
    for logger, level, disabled in saved:
        logger.setLevel(level)
        logger.disabled = disabled


def _forms(client):
    token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
    return {"csrfmiddlewaretoken": token}


@pytest.mark.django_db(transaction=True)
def test_the_api_password_never_appears_in_pages_or_logs(
    client, sandbox_account, sandbox_url, every_logger_at_debug
):
    get_user_model().objects.create_user("alice", password=LOGIN_PASSWORD)
    sandbox_account("acme", customers=12, api_user="acme-api", api_key=SENTINEL)
    pages = []

    def visit(method, url, data=None):
        response = getattr(client, method)(url, data or {}, follow=True)
        pages.append(response.content.decode())
        return response

    visit("post", reverse("login"), {"username": "alice", "password": LOGIN_PASSWORD})
    visit("post", reverse("connections:add"), {
        "label": "Acme", "environment": "custom", "custom_base_url": sandbox_url,
        "api_user": "acme-api", "api_password": SENTINEL,
    })  # fmt: skip
    connection = BillogramConnection.objects.get(owner__username="alice")
    assert connection.api_password() == SENTINEL
    tested = visit("post", reverse("connections:test", args=[connection.pk]))
    assert "12 customers" in tested.content.decode()
    visit("get", reverse("home"))
    visit("get", reverse("connections:list"))
    visit("get", reverse("connections:edit", args=[connection.pk]))
    visit(
        "post",
        reverse("connections:edit", args=[connection.pk]),
        {
            "label": "Acme",
            "environment": "custom",
            "custom_base_url": "",
            "api_user": "acme-api",
            "api_password": SENTINEL,
        },
    )  # fmt: skip  (invalid: custom without URL, so the form comes back)
    visit("get", reverse("connections:delete", args=[connection.pk]))

    forbidden = [SENTINEL, base64.b64encode(f"acme-api:{SENTINEL}".encode()).decode()]
    records = every_logger_at_debug.records
    assert any(record.name == "billodash.billogram" for record in records)
    for secret in forbidden:
        for html in pages:
            assert secret not in html
        for record in records:
            assert secret not in record.getMessage()
            assert secret not in repr(record.__dict__)
    assert not re.search(r"gAAAA[\w-]{20,}", "".join(pages)), "a Fernet token reached a page"


def test_an_error_email_never_carries_the_api_password(client, db, settings, monkeypatch):
    settings.ADMINS = [("Ops", "ops@example.com")]
    user = get_user_model().objects.create_user("alice", password=LOGIN_PASSWORD)
    client.force_login(user)
    client.raise_request_exception = False

    def explode(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("connections.views.connection_save", explode)
    response = client.post(reverse("connections:add"), {
        "label": "Acme", "environment": "sandbox", "api_user": "acme-api",
        "api_password": SENTINEL,
    })  # fmt: skip

    assert response.status_code == 500
    assert SENTINEL not in response.content.decode()
    (email,) = mail.outbox
    everything = email.body + "".join(str(part) for part, *_ in email.alternatives)
    assert "the database went away" in everything  # the report itself was sent
    assert SENTINEL not in everything
