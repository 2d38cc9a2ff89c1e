"""Log plumbing: one structured line per request, JSON output, and secret redaction.

Kept free of Django imports at module level so the logging configuration can load it early.
"""

import json
import logging
import re
import time
from contextvars import ContextVar
from datetime import UTC, datetime

from billodash.request_id import current_request_id

# How the current request's Billogram data was found ("hit", "miss", "stale"); set by the cache.
cache_use: ContextVar[str | None] = ContextVar("cache_use", default=None)

# Fields a log record may carry as `extra` that belong in the structured line.
FIELDS = (
    "method", "path", "status", "duration_ms", "attempt", "cache", "user_id", "request_id",
)  # fmt: skip

_SECRET_NAMES = r"(?:api_)?(?:password|passwd|api_key|secret|token)"  # noqa: S105 (a pattern)
_SECRETS = [
    # Authorization: Basic …  /  Bearer …
    (re.compile(r"(?i)(authorization:?\s*(?:basic|bearer)\s+)[\w+/=.-]+"), r"\1[redacted]"),
    # password=…, "api_password": "…"
    (
        re.compile(rf"(?i)({_SECRET_NAMES}[\"']?\s*[:=]\s*[\"']?)[^\s\"',&}}]+"),
        r"\1[redacted]",
    ),
    # Fernet tokens (stored API passwords)
    (re.compile(r"gAAAAA[\w=-]{20,}"), "[redacted-token]"),
    # user:password@ in URLs
    (re.compile(r"(https?://)[^/\s:@]+:[^/\s@]+@"), r"\1[redacted]@"),
]


def redact(text: str) -> str:
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


class RedactSecretsFilter(logging.Filter):
    """Scrubs credentials (Basic auth, password=…, Fernet tokens, user:pw@ in URLs) from
    every record before any handler writes it."""

    def filter(self, record):
        message = record.getMessage()
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        for field in FIELDS:
            value = getattr(record, field, None)
            if isinstance(value, str):
                setattr(record, field, redact(value))
        return True


class RequestIdLogFilter(logging.Filter):
    """Adds the current request's id to every log record (or "-" outside a request)."""

    def filter(self, record):
        if not getattr(record, "request_id", None):
            record.request_id = current_request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log shippers."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in FIELDS:
            value = getattr(record, field, None)
            if value is not None:
                entry[field] = value
        if record.exc_info or record.exc_text:
            entry["exception"] = record.exc_text or self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class PlainFormatter(logging.Formatter):
    """Readable lines for a terminal, with the structured fields as key=value."""

    def format(self, record):
        line = super().format(record)
        extras = " ".join(
            f"{field}={getattr(record, field)}"
            for field in FIELDS
            if field != "request_id" and getattr(record, field, None) is not None
        )
        return f"{line} {extras}" if extras else line


class RequestLogMiddleware:
    """One line per request: method, path, status, duration, cache use, user id, request id."""

    logger = logging.getLogger("billodash.request")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        token = cache_use.set(None)
        try:
            response = self.get_response(request)
            user = getattr(request, "user", None)
            self.logger.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                    "cache": cache_use.get(),
                    "user_id": user.pk if user is not None and user.is_authenticated else None,
                },
            )
            return response
        finally:
            cache_use.reset(token)
