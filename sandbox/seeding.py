"""Deterministic sample customers for a sandbox account.

The same seed and count always give the same customers: Nordic names with å/ä/ö, Swedish org
and VAT numbers, all four company types, both of Billogram's record shapes (about a fifth in
the older one), and a handful of hostile values that the dashboard must render safely.
"""

import random
from datetime import UTC, datetime, timedelta

from django.db import transaction

from customers.api_fields import COMPANY_TYPES
from sandbox.models import SandboxAccount, SandboxApiUser, SandboxCustomer

FIRST_NAMES = [
    "Åsa", "Björn", "Göran", "Märta", "Sören", "Håkan", "Ingrid", "Lars", "Annika", "Örjan",
    "Karin", "Mikael", "Sofia", "Jöns", "Elin", "Anders", "Maja", "Pär", "Linnéa", "Erik",
    "Astrid", "Nils", "Ebba", "Gustav", "Saga", "Tove", "Oskar", "Frida", "Jörgen", "Ylva",
]  # fmt: skip
LAST_NAMES = [
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson",
    "Svensson", "Gustafsson", "Pettersson", "Jönsson", "Öberg", "Åberg", "Lindström", "Bäckström",
    "Sjöberg", "Ström", "Hägglund", "Wåhlin", "Löfgren", "Ek", "Dahlqvist", "Björk", "Nyström",
]  # fmt: skip
BUSINESS_SUFFIXES = [
    "AB", "Bygg AB", "Konsult AB", "& Söner AB", "Fastigheter AB", "Redovisning AB", "Måleri AB",
    "Handelsbolag", "Trädgård AB", "El & Data AB",
]  # fmt: skip
STREETS = [
    "Storgatan", "Drottninggatan", "Kungsgatan", "Västra Hamngatan", "Östra Långgatan",
    "Järnvägsgatan", "Skolgatan", "Åsgatan", "Björkvägen", "Sjövägen", "Ängsvägen", "Kyrkogatan",
]  # fmt: skip
SWEDISH_CITIES = [
    ("Stockholm", "111 22"), ("Göteborg", "411 01"), ("Malmö", "211 20"), ("Uppsala", "753 10"),
    ("Västerås", "722 10"), ("Örebro", "702 10"), ("Linköping", "582 24"), ("Jönköping", "553 15"),
    ("Norrköping", "602 20"), ("Lund", "222 20"), ("Umeå", "903 26"), ("Gävle", "802 50"),
    ("Borås", "503 30"), ("Södertälje", "151 72"), ("Växjö", "352 30"), ("Östersund", "831 30"),
    ("Luleå", "972 31"), ("Kiruna", "981 31"), ("Skellefteå", "931 30"), ("Täby", "183 30"),
]  # fmt: skip
FOREIGN_CITIES = [("Oslo", "0150", "NO"), ("København", "1050", "DK"), ("Helsinki", "00100", "FI")]
EMAIL_DOMAINS = ["example.se", "example.com", "example.net", "example.org"]
EDI_OPERATORS = ["addett", "pagero", "inexchange"]
LANGUAGES = ["sv", "sv", "sv", "en", "fi", "", None]

START = datetime(2015, 1, 1, tzinfo=UTC)
SPAN = datetime(2026, 10, 1, tzinfo=UTC) - START

HOSTILE = [
    {
        "name": "Evil <script>alert(1)</script> AB",
        "notes": "<b>not bold</b><iframe src=javascript:alert(4)></iframe>",
    },
    {
        "name": '"><img src=x onerror=alert(1)><script>alert(2)</script>',
        "contact": {"name": "<svg onload=alert(3)>", "email": "x@example.se", "phone": ""},
    },
    {
        "name": '=HYPERLINK("http://x","y")',
        "notes": "@SUM(1+1)",
        "contact": {"name": "+46 formula", "email": "-cmd@example.se", "phone": "-1+1"},
    },
    {"name": ("Aktiebolaget Långa Namnens Förening för Överlånga Företagsnamn " + "Å" * 100)[:100]},
    {
        "name": "",
        "org_no": "",
        "vat_no": "",
        "notes": "",
        "contact": {"name": "", "email": "", "phone": ""},
        "address": {},
    },
]


def _ascii(text: str) -> str:
    return text.lower().translate(str.maketrans("åäöéü", "aaoeu")).replace(" ", "")


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _org_no(rng: random.Random, company_type: str) -> str:
    if company_type.endswith("individual"):
        born = START - timedelta(days=rng.randint(365 * 20, 365 * 80))
        return born.strftime("%y%m%d") + f"-{rng.randint(0, 9999):04d}"
    return f"55{rng.randint(0, 9999):04d}-{rng.randint(0, 9999):04d}"


def _address(rng: random.Random, legacy: bool, foreign: bool) -> dict:
    street = f"{rng.choice(STREETS)} {rng.randint(1, 120)}"
    if foreign:
        city, zipcode, country = rng.choice(FOREIGN_CITIES)
    else:
        (city, zipcode), country = rng.choice(SWEDISH_CITIES), "SE"
    careof = f"c/o {rng.choice(LAST_NAMES)}" if rng.random() < 0.1 else ""
    if legacy:
        return {"street_address": street, "careof": careof, "zipcode": zipcode, "city": city,
                "country": country}  # fmt: skip
    return {
        "careof": careof,
        "use_careof_as_attention": False,
        "attention": "",
        "address_line_1": street,
        "address_line_2": f"Lgh {rng.randint(1001, 1400)}" if rng.random() < 0.15 else "",
        "address_line_3": "",
        "administrative_area": "",
        "dependent_locality": "",
        "organization": "",
        "sorting_code": "",
        "zipcode": zipcode,
        "city": city,
        "country": country,
    }


def build_customer(rng: random.Random, customer_no: int, created: datetime) -> dict:
    """One customer object in Billogram's JSON shape (current or, for ~20%, the older one)."""
    legacy = rng.random() < 0.2
    company_type = rng.choices(COMPANY_TYPES, weights=[45, 45, 5, 5])[0]
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    business = company_type.endswith("business")
    name = f"{last} {rng.choice(BUSINESS_SUFFIXES)}" if business else f"{first} {last}"
    foreign = company_type.startswith("foreign")
    org_no = _org_no(rng, company_type)
    customer = {
        "customer_no": customer_no,
        "name": name,
        "notes": rng.choice(["Betalar alltid i tid.", "Ring före leverans.", "VIP"])
        if rng.random() < 0.15
        else "",
        "org_no": org_no,
        "vat_no": f"SE{org_no.replace('-', '')}01" if business and not foreign else "",
        "company_type": company_type,
        "contact": {
            "name": f"{first} {last}",
            "email": f"{_ascii(first)}.{_ascii(last)}{customer_no}@{rng.choice(EMAIL_DOMAINS)}",
            "phone": f"+46 7{rng.randint(0, 9)} {rng.randint(100, 999)} {rng.randint(10, 99)} "
            f"{rng.randint(10, 99)}",
        },
        "address": _address(rng, legacy, foreign),
    }
    if rng.random() < 0.25:
        delivery = _address(rng, legacy, foreign)
        delivery["name"] = name
        customer["delivery_address"] = delivery
    if legacy:
        customer["created_at"] = created.strftime("%Y-%m-%d %H:%M:%S")
        customer["updated_at"] = None
        return customer
    updated = created + timedelta(seconds=rng.randint(0, 3 * 365 * 86400))
    customer.update(
        {
            "language": rng.choice(LANGUAGES),
            "letter_forwarding_enabled": rng.random() < 0.1,
            "created_at": _iso(created),
            "updated_at": _iso(min(updated, START + SPAN)),
        }
    )
    if rng.random() < 0.1:
        customer["payment_settings"] = {"recurring_payment_type": "autogiro"}
        customer["links"] = {
            "automatic_payments_setup_link": f"https://example.com/autogiro/{customer_no:08d}"
        }
    if business and rng.random() < 0.1:
        customer["edi"] = {
            "electronic_id": f"7365{rng.randint(10**8, 10**9 - 1)}",
            "operator": rng.choice(EDI_OPERATORS),
            "reference": f"REF-{customer_no}",
        }
    if foreign and business and rng.random() < 0.3:
        city, zipcode, country = rng.choice(FOREIGN_CITIES)
        customer["permanent_establishment_address"] = {
            "name": name,
            "address_line_1": f"{rng.choice(STREETS)} {rng.randint(1, 50)}",
            "zipcode": zipcode,
            "city": city,
            "country": country,
        }
    return customer


def hostile_positions(count: int) -> list[int]:
    """Customer numbers that carry the hostile records: spread evenly through the account."""
    if count <= 0:
        return []
    positions = sorted(
        {1 + (count - 1) * (k + 1) // (len(HOSTILE) + 1) for k in range(len(HOSTILE))}
    )
    return positions[: len(HOSTILE)]


def build_customers(count: int, seed: int = 1):
    """`count` customers numbered 1..count, created in customer-number order."""
    rng = random.Random(seed)  # noqa: S311 (sample data, not security)
    hostile = dict(zip(hostile_positions(count), HOSTILE, strict=False))
    step = SPAN / max(count, 1)
    for customer_no in range(1, count + 1):
        created = START + step * (customer_no - 1) + timedelta(seconds=rng.randint(0, 3600))
        customer = build_customer(rng, customer_no, created.replace(microsecond=0))
        customer.update(hostile.get(customer_no, {}))
        yield customer


@transaction.atomic
def seed_account(
    *,
    account_name: str,
    customers: int,
    seed: int = 1,
    api_user: str | None = None,
    api_key: str | None = None,
) -> SandboxAccount:
    """Create or replace one sandbox account's customers, and optionally set its API user."""
    account, _ = SandboxAccount.objects.get_or_create(name=account_name)
    account.customers.all().delete()
    SandboxCustomer.objects.bulk_create(
        (SandboxCustomer.from_document(account, doc) for doc in build_customers(customers, seed)),
        batch_size=1000,
    )
    if api_user:
        user, _ = SandboxApiUser.objects.get_or_create(
            api_user=api_user, defaults={"account": account}
        )
        user.account = account
        if api_key:
            user.set_api_key(api_key)
        user.save()
    return account
