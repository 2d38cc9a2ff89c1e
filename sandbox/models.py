"""The built-in Billogram sandbox's own data: accounts, their API users and customers.

A customer is stored twice over: `document` is the exact JSON object the API serves (in
either of Billogram's two record shapes), and the other columns are copies of the fields the
API filters and orders on, so searches run as indexed database queries.
"""

import hashlib
import hmac
import json

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from customers.records import parse_timestamp


def _hash_key(api_key: str) -> str:
    return hashlib.sha256(api_key.encode()).hexdigest()


class SandboxAccount(models.Model):
    """One Billogram company in the sandbox, with its fault-injection settings."""

    class Fault(models.TextChoices):
        NONE = "", "None"
        ERROR_500 = "error_500", "500 Internal Server Error"
        ERROR_503 = "error_503", "503 Service Unavailable"
        RATE_LIMIT = "rate_limit", "429 Too Many Requests with Retry-After"
        MALFORMED_JSON = "malformed_json", "Malformed JSON body"
        HTML_ERROR = "html_error", "HTML error page"
        STALL_BODY = "stall_body", "Body that stalls mid-way"

    name = models.CharField(max_length=100, unique=True)
    latency_ms = models.PositiveIntegerField(default=0, help_text="Added to every answer.")
    jitter_ms = models.PositiveIntegerField(default=0, help_text="Random extra latency, 0..N.")
    fault = models.CharField(max_length=20, choices=Fault.choices, blank=True, default="")
    fault_rate = models.FloatField(
        default=1.0,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text="Fraction of answers that get the fault, 0 to 1.",
    )
    retry_after = models.PositiveIntegerField(default=5, help_text="Seconds, for rate_limit.")
    stall_seconds = models.FloatField(
        default=30.0, help_text="Pause inside the body, for stall_body."
    )

    def __str__(self):
        return self.name


class SandboxApiUser(models.Model):
    account = models.ForeignKey(SandboxAccount, on_delete=models.CASCADE, related_name="api_users")
    api_user = models.CharField(max_length=200, unique=True)
    api_key_sha256 = models.CharField(max_length=64)

    def __str__(self):
        return self.api_user

    def set_api_key(self, api_key: str) -> None:
        self.api_key_sha256 = _hash_key(api_key)

    def check_api_key(self, api_key: str) -> bool:
        return hmac.compare_digest(self.api_key_sha256, _hash_key(api_key))


def _nested(document: dict, block: str, key: str):
    value = document.get(block)
    return value.get(key) if isinstance(value, dict) else None


def _street(document: dict, block: str):
    """The first address line, named `street_address` in older records."""
    return _nested(document, block, "address_line_1") or _nested(document, block, "street_address")


class SandboxCustomer(models.Model):
    account = models.ForeignKey(SandboxAccount, on_delete=models.CASCADE, related_name="customers")
    customer_no = models.PositiveIntegerField()
    document = models.TextField(help_text="The customer exactly as the API serves it (JSON).")
    search_text = models.TextField(help_text="Case-folded text for the special full-data search.")

    name = models.CharField(max_length=200, blank=True, null=True)
    notes = models.TextField(blank=True, null=True)
    org_no = models.CharField(max_length=50, blank=True, null=True)
    vat_no = models.CharField(max_length=50, blank=True, null=True)
    company_type = models.CharField(max_length=50, blank=True, null=True)
    contact_name = models.CharField(max_length=200, blank=True, null=True)
    contact_email = models.CharField(max_length=200, blank=True, null=True)
    contact_phone = models.CharField(max_length=50, blank=True, null=True)
    address_street = models.CharField(max_length=200, blank=True, null=True)
    address_careof = models.CharField(max_length=200, blank=True, null=True)
    address_zipcode = models.CharField(max_length=20, blank=True, null=True)
    address_city = models.CharField(max_length=100, blank=True, null=True)
    address_country = models.CharField(max_length=10, blank=True, null=True)
    delivery_name = models.CharField(max_length=200, blank=True, null=True)
    delivery_street = models.CharField(max_length=200, blank=True, null=True)
    delivery_careof = models.CharField(max_length=200, blank=True, null=True)
    delivery_zipcode = models.CharField(max_length=20, blank=True, null=True)
    delivery_city = models.CharField(max_length=100, blank=True, null=True)
    delivery_country = models.CharField(max_length=10, blank=True, null=True)
    created_at = models.DateTimeField(blank=True, null=True)
    updated_at = models.DateTimeField(blank=True, null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "customer_no"], name="unique_sandbox_customer_no"
            )
        ]
        indexes = [
            models.Index(fields=["account", field], name=f"sandbox_cust_{field[:18]}")
            for field in (
                "name",
                "org_no",
                "contact_email",
                "contact_phone",
                "address_zipcode",
                "address_city",
                "delivery_name",
                "delivery_zipcode",
                "delivery_city",
                "created_at",
                "updated_at",
            )
        ]

    def __str__(self):
        return f"{self.customer_no} {self.name or ''}".strip()

    @classmethod
    def from_document(cls, account: SandboxAccount, document: dict) -> "SandboxCustomer":
        """A row for a customer JSON object, with its filter and order columns filled in."""
        searchable = [
            document.get("name"),
            document.get("customer_no"),
            document.get("org_no"),
            document.get("vat_no"),
            _nested(document, "contact", "name"),
            _nested(document, "contact", "email"),
            _nested(document, "contact", "phone"),
            _nested(document, "address", "city"),
        ]
        return cls(
            account=account,
            customer_no=document["customer_no"],
            document=json.dumps(document, ensure_ascii=False, separators=(",", ":")),
            search_text="\n".join(str(v) for v in searchable if v not in (None, "")).casefold(),
            name=document.get("name"),
            notes=document.get("notes"),
            org_no=document.get("org_no"),
            vat_no=document.get("vat_no"),
            company_type=document.get("company_type"),
            contact_name=_nested(document, "contact", "name"),
            contact_email=_nested(document, "contact", "email"),
            contact_phone=_nested(document, "contact", "phone"),
            address_street=_street(document, "address"),
            address_careof=_nested(document, "address", "careof"),
            address_zipcode=_nested(document, "address", "zipcode"),
            address_city=_nested(document, "address", "city"),
            address_country=_nested(document, "address", "country"),
            delivery_name=_nested(document, "delivery_address", "name"),
            delivery_street=_street(document, "delivery_address"),
            delivery_careof=_nested(document, "delivery_address", "careof"),
            delivery_zipcode=_nested(document, "delivery_address", "zipcode"),
            delivery_city=_nested(document, "delivery_address", "city"),
            delivery_country=_nested(document, "delivery_address", "country"),
            created_at=parse_timestamp(document.get("created_at")),
            updated_at=parse_timestamp(document.get("updated_at")),
        )
