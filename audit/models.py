from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    """Who did what, when, and how it went. Never holds a secret."""

    class Action(models.TextChoices):
        LOGIN = "login", "Login"
        LOGIN_FAILED = "login_failed", "Failed login"
        SEARCH = "search", "Search"
        CUSTOMER_VIEW = "customer_view", "Customer view"
        EXPORT = "export", "Export"
        CONNECTION_CHANGE = "connection_change", "Connection change"

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    username = models.CharField(max_length=150, help_text="As typed or as it was at the time.")
    action = models.CharField(max_length=30, choices=Action.choices, db_index=True)
    outcome = models.CharField(max_length=200, default="ok")
    details = models.JSONField(default=dict, blank=True)
    request_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.username} {self.action} {self.outcome}"
