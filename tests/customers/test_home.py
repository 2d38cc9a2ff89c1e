"""The dashboard's front door: login required, then the customer search of the active account."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from connections.models import BillogramConnection
from tests.helpers import connect, page_text


@pytest.fixture
def alice(db):
    return get_user_model().objects.create_user("alice", password="correct horse battery")


def test_it_requires_login(client, db):
    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_lets_a_user_log_in_with_the_login_form(client, alice):
    response = client.post(
        reverse("login"), {"username": "alice", "password": "correct horse battery"}, follow=True
    )

    assert response.wsgi_request.user == alice
    assert response.redirect_chain[0][0] == reverse("home")


def test_without_a_connection_it_sends_the_user_to_the_settings_with_a_reason(client, alice):
    client.force_login(alice)

    response = client.get(reverse("home"), follow=True)

    assert response.redirect_chain == [
        (reverse("customers:search"), 302),
        (reverse("connections:list"), 302),
    ]
    assert "Add your Billogram API user to start searching" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_it_opens_on_the_customer_search_of_the_active_connection(
    client, alice, sandbox_account, sandbox_url
):
    sandbox_account("acme", customers=37)
    connect(alice, base_url=sandbox_url)
    client.force_login(alice)

    page = page_text(client.get(reverse("home"), follow=True))

    assert "Acme" in page
    assert "Showing 1–25 of 37 customers" in page


@pytest.mark.django_db(transaction=True)
def test_it_shows_why_billogram_refused_and_never_the_password(
    client, alice, sandbox_account, sandbox_url
):
    sandbox_account("acme", customers=3)
    connect(alice, base_url=sandbox_url, api_key="SENTINEL-wrong-password")
    client.force_login(alice)

    response = client.get(reverse("customers:search"))
    page = response.content.decode()

    assert response.status_code == 502
    assert "Billogram refused the API credentials of your active connection" in page
    assert reverse("connections:list") in page
    assert "SENTINEL" not in page


def test_setup_demo_gives_a_working_demo_login_connected_to_the_sandbox(
    client, db, settings, tmp_path
):
    settings.VAR_DIR = tmp_path
    call_command("setup_demo", customers=12, stdout=io.StringIO())
    printed = io.StringIO()
    call_command("setup_demo", customers=12, url="http://127.0.0.1:8000/", stdout=printed)
    password = (tmp_path / "demo-password").read_text()

    assert f"demo login: demo / {password}" in printed.getvalue()
    assert "http://127.0.0.1:8000/" in printed.getvalue()
    response = client.post(reverse("login"), {"username": "demo", "password": password})
    assert response.status_code == 302
    assert client.get(reverse("home")).wsgi_request.user.username == "demo"
    connection = BillogramConnection.objects.get(owner__username="demo", is_active=True)
    assert connection.base_url == settings.SANDBOX_BASE_URL
    assert connection.version == 2
    assert BillogramConnection.objects.filter(owner__username="demo").count() == 1
