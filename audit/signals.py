from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from audit.models import AuditEntry
from audit.services import audit_record


@receiver(user_logged_in)
def _login(sender, request, user, **kwargs):
    audit_record(user=user, action=AuditEntry.Action.LOGIN)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    # Django already masks the password in `credentials`; only the username is kept.
    audit_record(
        user=None,
        username=str(credentials.get("username", ""))[:150],
        action=AuditEntry.Action.LOGIN_FAILED,
        outcome="refused",
    )
