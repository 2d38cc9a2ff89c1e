"""The Billogram contract, written out in plain Python, for the sandbox tests to compare with.

These are deliberately independent of the sandbox's own code: they read the customer JSON the
way the API doc (../shared/docs/billogram-api.md) describes it, so a test that compares the
sandbox's answer with them checks the sandbox against the doc, not against itself.
"""

import base64
import json
from datetime import UTC, datetime

BASE = "/sandbox/api/v2"
LIST_URL = f"{BASE}/customer"

# The fields `special`/`search` looks in (the doc's "at least" list).
SEARCH_FIELDS = (
    "name",
    "customer_no",
    "org_no",
    "vat_no",
    "contact:name",
    "contact:email",
    "contact:phone",
    "address:city",
)
TIMESTAMP_FIELDS = ("created_at", "updated_at")


def detail_url(customer_no) -> str:
    return f"{BASE}/customer/{customer_no}"


def basic(user: str, key: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{key}".encode()).decode()


def field_value(document: dict, field: str):
    """A (possibly nested, colon-separated) field of a customer, None when absent.

    `street_address` is the first address line in both record shapes: `address_line_1` in
    current records, `street_address` in older ones.
    """
    block, _, key = field.rpartition(":")
    source = document.get(block) if block else document
    if not isinstance(source, dict):
        return None
    if key == "street_address":
        return source.get("address_line_1") or source.get("street_address")
    return source.get(key)


def parse_timestamp(value) -> datetime | None:
    """Both timestamp shapes: "2026-04-29T11:19:15.647Z" and the older "2017-07-18 07:22:43"."""
    if not value:
        return None
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def matches(document: dict, filter_type: str, field: str, value: str) -> bool:
    """Whether a customer matches one Billogram filter (the doc's meaning of each type)."""
    if filter_type == "special":
        texts = (field_value(document, name) for name in SEARCH_FIELDS)
        return any(value.casefold() in str(t).casefold() for t in texts if t not in (None, ""))
    actual = field_value(document, field)
    if actual is None:
        return False
    actual = str(actual)
    if filter_type == "field":
        return actual == value
    if filter_type == "field-prefix":
        return actual.casefold().startswith(value.casefold())
    if filter_type == "field-search":
        return value.casefold() in actual.casefold()
    raise ValueError(filter_type)


def expected_numbers(documents, filter_type, field, value) -> list[int]:
    """Customer numbers matching a filter, in the default order (customer_no ascending)."""
    return sorted(d["customer_no"] for d in documents if matches(d, filter_type, field, value))


def order_value(document: dict, field: str):
    value = field_value(document, field)
    return parse_timestamp(value) if field in TIMESTAMP_FIELDS else value


def expected_order(documents, field: str, direction: str) -> list[int]:
    """Sorted by one field, ties by customer_no in the same direction; nulls first in asc and
    last in desc (reversing the ascending order gives exactly that)."""

    def key(document):
        value = order_value(document, field)
        return (value is not None, 0 if value is None else value, document["customer_no"])

    ordered = sorted(documents, key=key, reverse=direction == "desc")
    return [d["customer_no"] for d in ordered]


def swap_ascii_case(text: str) -> str:
    """Flip the case of ASCII letters only (non-ASCII case folding has tests of its own)."""
    return "".join(c.swapcase() if c.isascii() else c for c in text)


def json_body(response) -> dict:
    return json.loads(response.content)
