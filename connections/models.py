from django.conf import settings
from django.db import models
from django.db.models import Q

from connections import crypto
from customers.billogram import BillogramClient

PRODUCTION_BASE_URL = "https://billogram.com/api/v2"
SANDBOX_BASE_URL = "https://sandbox.billogram.com/api/v2"
# Billogram's web app, per environment. The customer page path is not in the public API
# documentation; it follows the app's own URLs as seen by its users.
WEB_APP_URLS = {"production": "https://billogram.com", "sandbox": "https://sandbox.billogram.com"}


class BillogramConnection(models.Model):
    """One staff member's credentials for one Billogram account.

    The API password is stored only as a Fernet token (see connections.crypto).
    `version` goes up on every change, and cache keys include it, so a changed
    connection never serves results fetched with its old settings.
    """

    class Environment(models.TextChoices):
        PRODUCTION = "production", "Production"
        SANDBOX = "sandbox", "Billogram sandbox"
        CUSTOM = "custom", "Custom base URL"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="billogram_connections"
    )
    label = models.CharField(max_length=100)
    environment = models.CharField(max_length=20, choices=Environment.choices)
    custom_base_url = models.URLField(blank=True, help_text="Only for a custom environment.")
    api_user = models.CharField("API user id", max_length=200)
    api_password_encrypted = models.TextField(editable=False)
    is_active = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["label", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner"],
                condition=Q(is_active=True),
                name="one_active_connection_per_owner",
            ),
            models.UniqueConstraint(
                fields=["owner", "label"], name="unique_connection_label_per_owner"
            ),
        ]

    def __str__(self):
        return f"{self.label} ({self.get_environment_display()})"

    @property
    def base_url(self) -> str:
        if self.environment == self.Environment.PRODUCTION:
            return PRODUCTION_BASE_URL
        if self.environment == self.Environment.SANDBOX:
            return SANDBOX_BASE_URL
        return self.custom_base_url.rstrip("/")

    def web_url_for_customer(self, customer_no: int) -> str | None:
        """The customer in Billogram's web app, or None for a custom environment."""
        base = WEB_APP_URLS.get(self.environment)
        return f"{base}/customers/{customer_no}" if base else None

    def set_api_password(self, raw_password: str) -> None:
        self.api_password_encrypted = crypto.encrypt(raw_password)

    def api_password(self) -> str:
        """The decrypted API password; raises crypto.CredentialUnreadable if the keys changed."""
        return crypto.decrypt(self.api_password_encrypted)

    def client(self) -> BillogramClient:
        """A client speaking with this connection's credentials.

        Raises crypto.CredentialUnreadable before any upstream call if the password cannot
        be decrypted, so ciphertext is never sent anywhere.
        """
        return BillogramClient(
            base_url=self.base_url, api_user=self.api_user, api_password=self.api_password()
        )
