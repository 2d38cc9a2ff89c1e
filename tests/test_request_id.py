"""Every response carries a request id, which also marks the request's log records."""

import io
import logging
import re

from django.urls import reverse


def test_every_response_gets_a_fresh_request_id(client, db):
    first = client.get(reverse("healthz"))["X-Request-ID"]
    second = client.get(reverse("healthz"))["X-Request-ID"]

    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert first != second


def test_a_well_formed_id_from_the_load_balancer_is_kept(client, db):
    response = client.get(reverse("healthz"), headers={"X-Request-ID": "lb-1234-abcd"})

    assert response["X-Request-ID"] == "lb-1234-abcd"


def test_a_malformed_incoming_id_is_replaced(client, db):
    response = client.get(reverse("healthz"), headers={"X-Request-ID": "<script>x</script>"})

    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_log_lines_written_during_a_request_carry_its_id(client, db):
    console = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    stream = io.StringIO()
    previous = console.setStream(stream)
    try:
        response = client.post(reverse("login"), {"username": "nobody", "password": "wrong"})
    finally:
        console.setStream(previous)

    lines = stream.getvalue().splitlines()
    assert lines
    assert all(f"[{response['X-Request-ID']}]" in line for line in lines)
