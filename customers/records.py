"""Typed customer records parsed from Billogram's JSON.

Billogram accounts hold records of two shapes (see ../shared/docs/billogram-api.md): the
current one, and an older one with `address.street_address`, "YYYY-MM-DD HH:MM:SS" timestamps,
`updated_at: null` and no language/edi/links blocks. Parsing accepts both and assumes nothing
but `customer_no`; a field of the wrong type is treated as absent.
"""

from dataclasses import dataclass, fields
from datetime import UTC, datetime
from functools import cache
from typing import NamedTuple


class RecordError(ValueError):
    """A record lacks what every customer must have (its customer number)."""


def _text(value) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return str(value)
    return None


def _flag(value) -> bool | None:
    return value if isinstance(value, bool) else None


def parse_timestamp(value) -> datetime | None:
    """Both timestamp formats Billogram uses: ISO 8601 and the older naive UTC form."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _block(data, key) -> dict | None:
    value = data.get(key)
    return value if isinstance(value, dict) else None


@dataclass(frozen=True)
class Contact:
    name: str | None = None
    email: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class Address:
    """Any of the customer's addresses; each kind fills the fields Billogram gives it."""

    name: str | None = None
    additional_name: str | None = None
    family_name: str | None = None
    organization: str | None = None
    careof: str | None = None
    use_careof_as_attention: bool | None = None
    attention: str | None = None
    address_line_1: str | None = None
    address_line_2: str | None = None
    address_line_3: str | None = None
    dependent_locality: str | None = None
    administrative_area: str | None = None
    sorting_code: str | None = None
    zipcode: str | None = None
    city: str | None = None
    country: str | None = None


@dataclass(frozen=True)
class PaymentSettings:
    recurring_payment_type: str | None = None


@dataclass(frozen=True)
class Edi:
    electronic_id: str | None = None
    operator: str | None = None
    reference: str | None = None


@dataclass(frozen=True)
class Links:
    automatic_payments_setup_link: str | None = None


@cache
def _field_names(cls) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


def _simple(cls, data: dict | None):
    """Build a dataclass of text fields from a JSON object, or None when the block is absent."""
    if data is None:
        return None
    return cls(**{name: _text(data.get(name)) for name in _field_names(cls)})


def _address(data: dict | None) -> Address | None:
    if data is None:
        return None
    values = {name: _text(data.get(name)) for name in _field_names(Address)}
    values["use_careof_as_attention"] = _flag(data.get("use_careof_as_attention"))
    # Older records name the first address line `street_address`.
    if values["address_line_1"] is None:
        values["address_line_1"] = _text(data.get("street_address"))
    return Address(**values)


@dataclass(frozen=True)
class Customer:
    customer_no: int
    name: str | None = None
    notes: str | None = None
    org_no: str | None = None
    vat_no: str | None = None
    language: str | None = None
    company_type: str | None = None
    letter_forwarding_enabled: bool | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    contact: Contact | None = None
    address: Address | None = None
    delivery_address: Address | None = None
    permanent_establishment_address: Address | None = None
    payment_settings: PaymentSettings | None = None
    edi: Edi | None = None
    links: Links | None = None

    @classmethod
    def from_api(cls, data) -> "Customer":
        if not isinstance(data, dict):
            raise RecordError("customer record is not a JSON object")
        return cls(
            customer_no=parse_customer_no(data.get("customer_no")),
            name=_text(data.get("name")),
            notes=_text(data.get("notes")),
            org_no=_text(data.get("org_no")),
            vat_no=_text(data.get("vat_no")),
            language=_text(data.get("language")) or None,
            company_type=_text(data.get("company_type")),
            letter_forwarding_enabled=_flag(data.get("letter_forwarding_enabled")),
            created_at=parse_timestamp(data.get("created_at")),
            updated_at=parse_timestamp(data.get("updated_at")),
            contact=_simple(Contact, _block(data, "contact")),
            address=_address(_block(data, "address")),
            delivery_address=_address(_block(data, "delivery_address")),
            permanent_establishment_address=_address(
                _block(data, "permanent_establishment_address")
            ),
            payment_settings=_simple(PaymentSettings, _block(data, "payment_settings")),
            edi=_simple(Edi, _block(data, "edi")),
            links=_simple(Links, _block(data, "links")),
        )


class CustomerRow(NamedTuple):
    """A customer as the search page lists it: the table's columns, in its order.

    Parsed straight from Billogram's record, without the blocks the list does not show: a
    page of 100 is built, cached and read back in a fraction of the time full Customer records
    take. The same parsing rules as Customer's apply (wrong types are absent).
    """

    customer_no: int
    name: str | None = None
    org_no: str | None = None
    company_type: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    city: str | None = None
    country: str | None = None
    created_at: datetime | None = None

    @classmethod
    def from_api(cls, data) -> "CustomerRow":
        if not isinstance(data, dict):
            raise RecordError("customer record is not a JSON object")
        contact = _block(data, "contact") or {}
        address = _block(data, "address") or {}
        return cls(
            customer_no=parse_customer_no(data.get("customer_no")),
            name=_text(data.get("name")),
            org_no=_text(data.get("org_no")),
            company_type=_text(data.get("company_type")),
            contact_name=_text(contact.get("name")),
            contact_email=_text(contact.get("email")),
            contact_phone=_text(contact.get("phone")),
            city=_text(address.get("city")),
            country=_text(address.get("country")),
            created_at=parse_timestamp(data.get("created_at")),
        )


def parse_customer_no(value) -> int:
    if isinstance(value, bool):
        raise RecordError("customer_no is not a number")
    if isinstance(value, int) and value >= 0:
        return value
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value.strip())
    raise RecordError("customer record has no valid customer_no")


@dataclass(frozen=True)
class CustomerPage:
    """One page of a customer list, with the number of matches across all pages."""

    total_count: int
    customers: tuple[Customer, ...] | tuple[CustomerRow, ...]
