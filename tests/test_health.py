"""/healthz: a status per check (database, cache), needing no login and never asking Billogram.

A cache outage leaves the instance serving (every read a miss): 200 "degraded". A database
outage leaves it unable to serve: 503 "error", so the load balancer takes it out.
"""

import copy
import socket

import pytest
import requests
from django.db import connections
from django.db.utils import load_backend
from django.urls import reverse

pytestmark = pytest.mark.django_db

HEALTHZ = reverse("healthz")


@pytest.fixture
def outbound(monkeypatch) -> list[str]:
    """Every HTTP request billodash sends anywhere (Billogram included), by URL."""
    sent = []
    original = requests.Session.send

    def recording(self, request, **kwargs):
        sent.append(request.url)
        return original(self, request, **kwargs)

    monkeypatch.setattr(requests.Session, "send", recording)
    return sent


@pytest.fixture
def unreachable_database(monkeypatch, tmp_path):
    """Hand the health check a database connection that cannot be opened.

    It is a real connection of the test database's own engine and settings, pointed where no
    database is: for SQLite a file in a directory that does not exist, for PostgreSQL a
    loopback port bound but never listened on. Opening it fails in the driver exactly as an
    outage would. Only the health module's `connection` is swapped for it, so the test
    database (kept open for the test's transaction, and for in-memory SQLite impossible to
    close without losing it) stays intact for the rest of the request and the teardown.
    """
    default = connections["default"]
    settings_dict = copy.deepcopy(default.settings_dict)
    with socket.socket() as reserved:
        reserved.bind(("127.0.0.1", 0))
        if default.vendor == "sqlite":
            settings_dict["NAME"] = str(tmp_path / "no-such-directory" / "db.sqlite3")
        else:
            settings_dict.update(HOST="127.0.0.1", PORT=str(reserved.getsockname()[1]))
        backend = load_backend(settings_dict["ENGINE"])
        broken = backend.DatabaseWrapper(settings_dict, alias="unreachable")
        monkeypatch.setattr("billodash.health.connection", broken)
        yield
        broken.close()


def test_all_ok_is_200_with_each_check_ok_and_needs_no_login(client, outbound):
    response = client.get(HEALTHZ)  # an anonymous client: no login, no redirect to one

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}
    assert "no-store" in response["Cache-Control"]
    assert outbound == []


def test_an_unreachable_cache_is_200_degraded(client, unreachable_redis, outbound):
    response = client.get(HEALTHZ)

    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "checks": {"database": "ok", "cache": "error"}}
    assert outbound == []


def test_a_failing_database_is_503_error(client, unreachable_database, outbound):
    response = client.get(HEALTHZ)

    assert response.status_code == 503
    assert response.json() == {"status": "error", "checks": {"database": "error", "cache": "ok"}}
    assert outbound == []


def test_a_failing_database_and_cache_is_503_error(client, unreachable_database, unreachable_redis):
    response = client.get(HEALTHZ)

    assert response.status_code == 503
    assert response.json() == {"status": "error", "checks": {"database": "error", "cache": "error"}}


def test_the_failing_checks_are_logged(client, unreachable_database, unreachable_redis, caplog):
    client.get(HEALTHZ)

    failed = [r.getMessage() for r in caplog.records if r.name == "billodash.health"]
    assert failed == ["health check database failed", "health check cache failed"]
