"""Structured log lines: one per request and per Billogram call, JSON-ready, secrets redacted."""

import io
import json
import logging

import pytest
from django.core.cache import cache
from django.urls import reverse

from billodash.logs import JsonFormatter
from tests.helpers import connected_user

SENTINEL = "SENTINEL-log-secret-93f1"


@pytest.fixture
def json_lines():
    """Everything the console handler writes during the test, parsed as JSON lines."""
    console = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    stream, formatter = io.StringIO(), console.formatter
    previous = console.setStream(stream)
    console.setFormatter(JsonFormatter())
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    console.setStream(previous)
    console.setFormatter(formatter)


@pytest.mark.parametrize(
    "message",
    [
        f"Authorization: Basic {SENTINEL}",
        f"api_password={SENTINEL}&page=1",
        f'{{"api_password": "{SENTINEL}"}}',
        f"http://acme-api:{SENTINEL}@billogram.example/api/v2",
        f"password: {SENTINEL}",
    ],
)
def test_the_redaction_filter_scrubs_secrets_from_every_line(json_lines, message):
    logging.getLogger("billodash.anything").warning("seen %s", message)

    line = json_lines()[-1]
    assert SENTINEL not in json.dumps(line)
    assert "[redacted]" in line["message"]


def test_secrets_in_exception_text_are_scrubbed_too(json_lines):
    try:
        raise ValueError(f"password={SENTINEL}")
    except ValueError:
        logging.getLogger("billodash.anything").exception("failed")

    line = json_lines()[-1]
    assert SENTINEL not in json.dumps(line)
    assert "ValueError" in line["exception"]


def test_fernet_tokens_never_reach_the_log(json_lines):
    logging.getLogger("billodash.anything").info("token gAAAAABn0aGx" + "x" * 40)

    assert "gAAAAABn0aGx" not in json.dumps(json_lines()[-1])


@pytest.mark.django_db(transaction=True)
def test_each_request_and_billogram_call_is_one_structured_line(
    client, json_lines, sandbox_account, sandbox_url
):
    cache.clear()
    sandbox_account("acme", customers=8, api_key=SENTINEL)
    user = connected_user("alice", base_url=sandbox_url, api_key=SENTINEL)
    client.force_login(user)

    first = client.get(reverse("customers:search"))
    second = client.get(reverse("customers:search"))

    lines = json_lines()
    requests = [
        line for line in lines
        if line["logger"] == "billodash.request" and line["path"] == "/customers/"
    ]  # fmt: skip
    calls = [line for line in lines if line["logger"] == "billodash.billogram"]
    assert [(r["status"], r["cache"], r["user_id"]) for r in requests] == [
        (200, "miss", user.pk),
        (200, "hit", user.pk),
    ]
    assert [r["request_id"] for r in requests] == [
        first["X-Request-ID"],
        second["X-Request-ID"],
    ]
    assert all(r["method"] == "GET" and r["duration_ms"] >= 0 for r in requests)
    (call,) = calls
    assert (call["method"], call["path"], call["status"]) == ("GET", "/customer", 200)
    assert call["request_id"] == first["X-Request-ID"]
    assert SENTINEL not in json.dumps(lines)
