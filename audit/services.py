from audit.models import AuditEntry
from billodash.request_id import current_request_id


def audit_record(*, user, action: str, outcome: str = "ok", details: dict | None = None,
                 username: str | None = None) -> AuditEntry:  # fmt: skip
    """Record one action. `details` must never carry a secret (parameters, ids, labels only)."""
    known = user if user is not None and user.is_authenticated else None
    request_id = current_request_id.get()
    return AuditEntry.objects.create(
        user=known,
        username=username if username is not None else (known.get_username() if known else ""),
        action=action,
        outcome=outcome[:200],
        details=details or {},
        request_id=request_id if request_id != "-" else "",
    )
