"""Parsing Billogram customer records of both shapes into typed values."""

from datetime import UTC, datetime, timedelta

import pytest

from customers.records import (
    Address,
    Contact,
    Customer,
    CustomerRow,
    Edi,
    Links,
    PaymentSettings,
    RecordError,
    parse_customer_no,
    parse_timestamp,
)


def current_record():
    return {
        "customer_no": 42,
        "name": "Acme AB",
        "notes": "Pays late",
        "org_no": "556677-8899",
        "vat_no": "SE556677889901",
        "language": "sv",
        "company_type": "business",
        "letter_forwarding_enabled": True,
        "created_at": "2026-04-29T11:19:15.647Z",
        "updated_at": "2026-04-30T08:00:00.000Z",
        "contact": {"name": "Anna Andersson", "email": "anna@acme.test", "phone": "+4670123"},
        "address": {
            "careof": "Finance dept",
            "use_careof_as_attention": False,
            "attention": "Anna",
            "address_line_1": "Storgatan 1",
            "address_line_2": "Floor 3",
            "address_line_3": "Box 12",
            "administrative_area": "Stockholms län",
            "dependent_locality": "Södermalm",
            "organization": "Acme AB",
            "sorting_code": "SC1",
            "zipcode": "11122",
            "city": "Stockholm",
            "country": "SE",
        },
        "delivery_address": {
            "name": "Acme Warehouse",
            "address_line_1": "Lagervägen 9",
            "address_line_2": None,
            "address_line_3": None,
            "careof": None,
            "attention": "Goods in",
            "zipcode": "41101",
            "city": "Göteborg",
            "country": "SE",
        },
        "permanent_establishment_address": {
            "name": "Acme",
            "additional_name": "Nordic",
            "family_name": "Holding",
            "address_line_1": "Hauptstraße 5",
            "zipcode": "10115",
            "city": "Berlin",
            "country": "DE",
        },
        "payment_settings": {"recurring_payment_type": "autogiro"},
        "edi": {"electronic_id": "7365000000001", "operator": "addett", "reference": "REF-1"},
        "links": {"automatic_payments_setup_link": "https://billogram.test/ag/abc"},
    }


def older_record():
    return {
        "customer_no": 7,
        "name": "Old Customer HB",
        "notes": "",
        "org_no": "",
        "vat_no": "",
        "company_type": "individual",
        "created_at": "2017-07-18 07:22:43",
        "updated_at": None,
        "contact": {"name": "Olle", "email": "olle@old.test", "phone": ""},
        "address": {
            "street_address": "Gamla vägen 3",
            "careof": "",
            "use_careof_as_attention": False,
            "zipcode": "12345",
            "city": "Uppsala",
            "country": "SE",
        },
        "delivery_address": {
            "name": "",
            "street_address": "Lastkajen 1",
            "careof": "",
            "zipcode": "12346",
            "city": "Uppsala",
            "country": "SE",
        },
    }


def test_it_parses_every_block_of_the_current_record_shape():
    customer = Customer.from_api(current_record())

    assert customer.customer_no == 42
    assert customer.name == "Acme AB"
    assert customer.notes == "Pays late"
    assert customer.org_no == "556677-8899"
    assert customer.vat_no == "SE556677889901"
    assert customer.language == "sv"
    assert customer.company_type == "business"
    assert customer.letter_forwarding_enabled is True
    assert customer.contact == Contact(
        name="Anna Andersson", email="anna@acme.test", phone="+4670123"
    )
    assert customer.address == Address(
        careof="Finance dept",
        use_careof_as_attention=False,
        attention="Anna",
        address_line_1="Storgatan 1",
        address_line_2="Floor 3",
        address_line_3="Box 12",
        administrative_area="Stockholms län",
        dependent_locality="Södermalm",
        organization="Acme AB",
        sorting_code="SC1",
        zipcode="11122",
        city="Stockholm",
        country="SE",
    )
    assert customer.delivery_address == Address(
        name="Acme Warehouse",
        address_line_1="Lagervägen 9",
        attention="Goods in",
        zipcode="41101",
        city="Göteborg",
        country="SE",
    )
    assert customer.permanent_establishment_address == Address(
        name="Acme",
        additional_name="Nordic",
        family_name="Holding",
        address_line_1="Hauptstraße 5",
        zipcode="10115",
        city="Berlin",
        country="DE",
    )
    assert customer.payment_settings == PaymentSettings(recurring_payment_type="autogiro")
    assert customer.edi == Edi(electronic_id="7365000000001", operator="addett", reference="REF-1")
    assert customer.links == Links(automatic_payments_setup_link="https://billogram.test/ag/abc")


def test_it_parses_iso_timestamps_as_aware_utc_datetimes():
    customer = Customer.from_api(current_record())

    assert customer.created_at == datetime(2026, 4, 29, 11, 19, 15, 647000, tzinfo=UTC)
    assert customer.created_at.utcoffset() == timedelta(0)
    assert customer.updated_at == datetime(2026, 4, 30, 8, 0, 0, tzinfo=UTC)
    assert customer.updated_at.tzinfo is not None


def test_it_parses_the_older_record_shape():
    customer = Customer.from_api(older_record())

    assert customer.customer_no == 7
    assert customer.name == "Old Customer HB"
    assert customer.company_type == "individual"
    assert customer.address.address_line_1 == "Gamla vägen 3"
    assert customer.address.city == "Uppsala"
    assert customer.address.use_careof_as_attention is False
    assert customer.delivery_address.address_line_1 == "Lastkajen 1"
    assert customer.contact.email == "olle@old.test"


def test_it_reads_the_older_timestamp_as_utc():
    customer = Customer.from_api(older_record())

    assert customer.created_at == datetime(2017, 7, 18, 7, 22, 43, tzinfo=UTC)
    assert customer.created_at.utcoffset() == timedelta(0)


def test_it_reads_a_null_updated_at_as_none():
    assert Customer.from_api(older_record()).updated_at is None


def test_it_reads_blocks_missing_from_the_older_shape_as_none():
    customer = Customer.from_api(older_record())

    assert customer.language is None
    assert customer.letter_forwarding_enabled is None
    assert customer.permanent_establishment_address is None
    assert customer.payment_settings is None
    assert customer.edi is None
    assert customer.links is None


def test_it_prefers_address_line_1_over_street_address_when_both_are_present():
    record = current_record()
    record["address"]["street_address"] = "Old street"

    assert Customer.from_api(record).address.address_line_1 == "Storgatan 1"


def test_it_leaves_everything_but_the_customer_no_empty_for_a_bare_record():
    customer = Customer.from_api({"customer_no": 5})

    assert customer == Customer(customer_no=5)
    for field_name, value in vars(customer).items():
        if field_name != "customer_no":
            assert value is None, field_name


def test_it_accepts_a_customer_no_given_as_a_digit_string():
    assert Customer.from_api({"customer_no": "123"}).customer_no == 123


def test_it_accepts_a_customer_no_digit_string_with_surrounding_spaces():
    assert parse_customer_no(" 77 ") == 77


@pytest.mark.parametrize(
    "record",
    [
        {},
        {"customer_no": None},
        {"customer_no": "abc"},
        {"customer_no": True},
        {"customer_no": False},
        {"customer_no": "²"},
        {"customer_no": ""},
        {"customer_no": 1.5},
        {"customer_no": [1]},
    ],
    ids=["missing", "none", "abc", "true", "false", "superscript-two", "empty", "float", "list"],
)
@pytest.mark.parametrize("record_type", [Customer, CustomerRow])
def test_it_rejects_a_record_without_a_valid_customer_no(record, record_type):
    with pytest.raises(RecordError):
        record_type.from_api(record)


@pytest.mark.parametrize("data", [None, [], "customer", 42])
@pytest.mark.parametrize("record_type", [Customer, CustomerRow])
def test_it_rejects_a_record_that_is_not_a_json_object(data, record_type):
    with pytest.raises(RecordError):
        record_type.from_api(data)


def test_it_is_a_value_error_so_callers_can_catch_it_broadly():
    assert issubclass(RecordError, ValueError)


def test_it_treats_a_contact_given_as_a_string_as_absent():
    customer = Customer.from_api({"customer_no": 1, "contact": "anna@acme.test"})

    assert customer.contact is None


def test_it_treats_a_name_given_as_a_list_as_absent():
    customer = Customer.from_api({"customer_no": 1, "name": ["Acme", "AB"]})

    assert customer.name is None


def test_it_treats_wrong_typed_blocks_and_flags_as_absent():
    customer = Customer.from_api(
        {
            "customer_no": 1,
            "address": ["Storgatan 1"],
            "delivery_address": "Lagervägen 9",
            "edi": 5,
            "links": True,
            "payment_settings": "autogiro",
            "letter_forwarding_enabled": "yes",
            "notes": {"text": "x"},
        }
    )

    assert customer.address is None
    assert customer.delivery_address is None
    assert customer.edi is None
    assert customer.links is None
    assert customer.payment_settings is None
    assert customer.letter_forwarding_enabled is None
    assert customer.notes is None


def test_it_treats_wrong_typed_fields_inside_a_block_as_absent():
    customer = Customer.from_api(
        {
            "customer_no": 1,
            "contact": {"name": ["Anna"], "email": True, "phone": None},
            "address": {"city": {"x": 1}, "use_careof_as_attention": "no", "zipcode": "111"},
        }
    )

    assert customer.contact == Contact()
    assert customer.address == Address(zipcode="111")


def test_it_reads_numbers_in_text_fields_as_text():
    customer = Customer.from_api(
        {"customer_no": 1, "org_no": 5566778899, "address": {"zipcode": 11122}}
    )

    assert customer.org_no == "5566778899"
    assert customer.address.zipcode == "11122"


@pytest.mark.parametrize("value", ["yesterday", "2017-13-45 99:99:99", "", "   ", 1500000000, []])
def test_it_reads_an_unparseable_timestamp_as_none(value):
    customer = Customer.from_api({"customer_no": 1, "created_at": value, "updated_at": value})

    assert customer.created_at is None
    assert customer.updated_at is None


def test_it_keeps_an_explicit_offset_in_a_timestamp():
    parsed = parse_timestamp("2026-04-29T13:19:15+02:00")

    assert parsed == datetime(2026, 4, 29, 11, 19, 15, tzinfo=UTC)


def test_it_reads_an_empty_language_as_none():
    assert Customer.from_api({"customer_no": 1, "language": ""}).language is None


def test_it_reads_a_null_language_as_none():
    assert Customer.from_api({"customer_no": 1, "language": None}).language is None


# --- CustomerRow: the search page's columns ----------------------------------------------------


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        (
            current_record(),
            CustomerRow(
                customer_no=42,
                name="Acme AB",
                org_no="556677-8899",
                company_type="business",
                contact_name="Anna Andersson",
                contact_email="anna@acme.test",
                contact_phone="+4670123",
                city="Stockholm",
                country="SE",
                created_at=datetime(2026, 4, 29, 11, 19, 15, 647000, tzinfo=UTC),
            ),
        ),
        (
            older_record(),
            CustomerRow(
                customer_no=7,
                name="Old Customer HB",
                org_no="",
                company_type="individual",
                contact_name="Olle",
                contact_email="olle@old.test",
                contact_phone="",
                city="Uppsala",
                country="SE",
                created_at=datetime(2017, 7, 18, 7, 22, 43, tzinfo=UTC),
            ),
        ),
    ],
    ids=["current", "older"],
)
def test_a_row_holds_the_listed_columns_of_both_shapes(record, expected):
    assert CustomerRow.from_api(record) == expected


@pytest.mark.parametrize(
    "record",
    [
        current_record(),
        older_record(),
        {"customer_no": 1},
        {"customer_no": "3", "contact": "anna@acme.test", "address": ["Storgatan 1"]},
        {"customer_no": 1, "name": ["Acme"], "org_no": 5566778899, "created_at": "yesterday"},
        {"customer_no": 1, "contact": {"email": True, "phone": 46701}, "address": {"city": {}}},
    ],
    ids=["current", "older", "bare", "wrong-typed-blocks", "wrong-typed-fields", "inside-blocks"],
)
def test_a_row_says_what_the_full_customer_says_in_every_column(record):
    row, customer = CustomerRow.from_api(record), Customer.from_api(record)
    contact, address = customer.contact or Contact(), customer.address or Address()

    assert row == CustomerRow(
        customer_no=customer.customer_no,
        name=customer.name,
        org_no=customer.org_no,
        company_type=customer.company_type,
        contact_name=contact.name,
        contact_email=contact.email,
        contact_phone=contact.phone,
        city=address.city,
        country=address.country,
        created_at=customer.created_at,
    )
