"""Login is required everywhere but a short allowlist; lockouts end; sessions expire."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

PASSWORD = "correct horse battery"
# The only URLs an anonymous visitor may reach.
ALLOWLIST = ("/accounts/login/", "/healthz", "/sandbox/api/v2/", "/static/", "/admin/login/")


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def _concrete(route: str) -> str:
    """A URL for a route, with every converter filled by a plausible value."""
    path = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route)  # regex groups (the admin's)
    path = re.sub(r"<int:\w+>", "1", path)
    path = re.sub(r"<(?:\w+:)?\w+>", "x", path)
    path = path.replace("^", "").replace("$", "").replace("\\Z", "").replace("\\", "")
    return "/" + path


def _every_url():
    return sorted({_concrete(route) for route in _walk(get_resolver().url_patterns)})


@pytest.fixture
def alice(db):
    return get_user_model().objects.create_user("alice", password=PASSWORD)


def _login(client, username="alice", password=PASSWORD, ip="10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


@pytest.mark.parametrize("url", _every_url())
def test_every_page_outside_the_allowlist_requires_login(client, db, url):
    response = client.get(url)

    if url.startswith(ALLOWLIST):
        assert response.status_code != 500
        return
    assert response.status_code == 302, url
    logins = [reverse("login") + "?next="]
    if url.startswith("/admin/"):
        logins.append("/admin/login/?next=")  # the admin's index pages send to its own login
    assert response["Location"].startswith(tuple(logins)), url


def test_the_url_walk_sees_the_dashboard_and_settings_pages():
    urls = _every_url()

    assert "/" in urls
    assert "/settings/connections/1/edit/" in urls
    assert "/sandbox/api/v2/customer" in urls


def test_the_allowlisted_pages_answer_without_login(client, db):
    assert client.get(reverse("login")).status_code == 200
    assert client.get(reverse("healthz")).status_code == 200
    assert client.get("/sandbox/api/v2/customer").status_code == 401  # Billogram's own auth
    assert client.get("/static/css/app.css").status_code == 200


def test_logout_is_a_post(client, alice):
    client.force_login(alice)

    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302  # logged out: back to login


def test_a_user_is_locked_out_after_five_failures_even_with_the_right_password(client, alice):
    for _ in range(4):
        assert _login(client, password="wrong").status_code == 200
    locked = _login(client, password="wrong")

    assert locked.status_code == 429
    assert "Try again in 15 minutes" in locked.content.decode()
    assert _login(client).status_code == 429


def test_a_lockout_ends_after_the_cool_off(client, alice):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(5):
            _login(client, password="wrong")
        assert _login(client).status_code == 429

        traveller.shift(timedelta(minutes=16))

        assert _login(client).status_code == 302


def test_a_lockout_holds_only_for_that_username_and_address(client, alice):
    get_user_model().objects.create_user("bob", password=PASSWORD)
    for _ in range(5):
        _login(client, password="wrong")

    assert _login(client, username="bob").status_code == 302
    assert _login(client, ip="10.0.0.2").status_code == 302


def test_a_session_ends_after_thirty_idle_minutes(client, alice):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        _login(client)
        traveller.shift(timedelta(minutes=29))
        assert client.get(reverse("connections:list")).status_code == 200

        traveller.shift(timedelta(minutes=29))  # active 29 minutes ago: still in
        assert client.get(reverse("connections:list")).status_code == 200

        traveller.shift(timedelta(minutes=31))
        assert client.get(reverse("connections:list")).status_code == 302


def test_a_session_ends_twelve_hours_after_login_however_active(client, alice):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        _login(client)
        for _ in range(12 * 60 // 20 + 1):
            traveller.shift(timedelta(minutes=20))
            if client.get(reverse("connections:list")).status_code != 200:
                break
        response = client.get(reverse("connections:list"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_session_cookie_is_http_only(client, alice):
    response = _login(client)

    assert response.cookies["sessionid"]["httponly"] is True
