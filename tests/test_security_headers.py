"""Headers on every page, CSRF on every state change, and no open redirects after login."""

from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

PASSWORD = "correct horse battery"
EVIL_NEXTS = [
    "https://evil.example",
    "//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "javascript:alert(1)",
    "%2F%2Fevil.example",
    "https:evil.example",
    "/%5Cevil.example",
]


@pytest.fixture
def alice(db):
    return get_user_model().objects.create_user("alice", password=PASSWORD)


@pytest.mark.parametrize("url", ["/accounts/login/", "/settings/connections/", "/customers/1/"])
def test_every_page_sends_a_strict_content_security_policy(client, alice, url):
    client.force_login(alice)

    policy = client.get(url)["Content-Security-Policy"]
    directives = dict(
        (part.split()[0], part.split()[1:]) for part in policy.split(";") if part.strip()
    )

    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in policy


def test_pages_tell_browsers_not_to_sniff_or_leak_referrers(client, db):
    response = client.get(reverse("login"))

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(
    "url", ["/settings/connections/", "/settings/connections/add/", "/accounts/password/"]
)
def test_authenticated_pages_may_not_be_stored(client, alice, url):
    client.force_login(alice)

    assert "no-store" in client.get(url)["Cache-Control"]


def test_a_login_post_without_a_csrf_token_is_refused(alice):
    strict = Client(enforce_csrf_checks=True)

    response = strict.post(reverse("login"), {"username": "alice", "password": PASSWORD})

    assert response.status_code == 403
    assert "Form expired" in response.content.decode()


@pytest.mark.parametrize("evil", EVIL_NEXTS)
def test_login_never_redirects_off_site(client, alice, evil):
    response = client.post(
        reverse("login") + "?next=" + evil,
        {"username": "alice", "password": PASSWORD, "next": evil},
    )

    assert response.status_code == 302
    landing = urlsplit(urljoin("http://testserver/accounts/login/", response["Location"]))
    assert (landing.scheme, landing.netloc) == ("http", "testserver")
    assert "evil.example" not in landing.netloc


def test_login_follows_a_local_next(client, alice):
    target = "/customers/?filter_type=special&filter_field=search&filter_value=x"

    response = client.post(
        reverse("login"), {"username": "alice", "password": PASSWORD, "next": target}
    )

    assert response["Location"] == target
