"""Customer records laid out for the detail page: every field, grouped, absent ones as "—"."""

from dataclasses import dataclass, fields
from datetime import datetime

from django.utils.formats import date_format
from django.utils.timezone import localtime

from customers.records import Address, Customer, Edi, Links, PaymentSettings

ADDRESS_LABELS = {
    "name": "Name",
    "additional_name": "Additional name",
    "family_name": "Family name",
    "organization": "Organisation",
    "careof": "c/o",
    "use_careof_as_attention": "Use c/o as attention",
    "attention": "Attention",
    "address_line_1": "Address line 1",
    "address_line_2": "Address line 2",
    "address_line_3": "Address line 3",
    "dependent_locality": "Dependent locality",
    "administrative_area": "Administrative area",
    "sorting_code": "Sorting code",
    "zipcode": "Zip code",
    "city": "City",
    "country": "Country",
}
OTHER_LABELS = {
    "recurring_payment_type": "Recurring payment",
    "electronic_id": "Electronic id",
    "operator": "Operator",
    "reference": "Reference",
    "automatic_payments_setup_link": "Automatic payments set-up",
}


@dataclass(frozen=True)
class Row:
    label: str
    value: object  # None when Billogram did not send the field


@dataclass(frozen=True)
class Section:
    title: str
    rows: list[Row]
    is_address: bool = False
    address_lines: tuple[str, ...] = ()  # the lines as on an envelope


def postal_lines(address: Address | None) -> tuple[str, ...]:
    """An address in the order it is written on an envelope, empty parts left out."""
    if address is None:
        return ()
    name = " ".join(filter(None, [address.name, address.additional_name, address.family_name]))
    careof = address.careof
    if careof and not careof.lower().startswith("c/o"):
        careof = f"c/o {careof}"
    town = " ".join(filter(None, [address.zipcode, address.city]))
    parts = [
        name, address.organization, careof,
        f"Attn: {address.attention}" if address.attention else None,
        address.address_line_1, address.address_line_2, address.address_line_3,
        address.dependent_locality, town, address.administrative_area, address.country,
    ]  # fmt: skip
    return tuple(part for part in parts if part)


def _address_section(title: str, address: Address | None) -> Section:
    rows = _block_rows(address, Address, ADDRESS_LABELS)
    return Section(title, rows, is_address=True, address_lines=postal_lines(address))


def _when(value: datetime | None) -> str | None:
    return date_format(localtime(value), "Y-m-d H:i:s") if value else None


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("Yes" if value else "No")


def _block_rows(block, cls, labels) -> list[Row]:
    rows = []
    for field in fields(cls):
        value = getattr(block, field.name) if block is not None else None
        rows.append(Row(labels[field.name], _yes_no(value) if isinstance(value, bool) else value))
    return rows


def customer_sections(customer: Customer) -> list[Section]:
    contact = customer.contact
    return [
        Section(
            "Identity",
            [
                Row("Customer number", customer.customer_no),
                Row("Name", customer.name),
                Row("Organisation number", customer.org_no),
                Row("VAT number", customer.vat_no),
                Row("Company type", customer.company_type),
                Row("Language", customer.language),
                Row("Letter forwarding", _yes_no(customer.letter_forwarding_enabled)),
            ],
        ),
        Section(
            "Contact",
            [
                Row("Name", contact.name if contact else None),
                Row("Email", contact.email if contact else None),
                Row("Phone", contact.phone if contact else None),
            ],
        ),
        _address_section("Address", customer.address),
        _address_section("Delivery address", customer.delivery_address),
        _address_section(
            "Permanent establishment address", customer.permanent_establishment_address
        ),
        Section(
            "Payment settings",
            _block_rows(customer.payment_settings, PaymentSettings, OTHER_LABELS),
        ),
        Section("EDI", _block_rows(customer.edi, Edi, OTHER_LABELS)),
        Section("Links", _block_rows(customer.links, Links, OTHER_LABELS)),
        Section(
            "Notes and history",
            [
                Row("Notes", customer.notes),
                Row("Created", _when(customer.created_at)),
                Row("Updated", _when(customer.updated_at)),
            ],
        ),
    ]
