"""Tiny helpers that read settings from the environment and fail loudly on bad values."""

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

# The longest one Billogram call may take, in seconds (settings, and gunicorn's worker timeout).
BILLOGRAM_DEADLINE_DEFAULT = 25.0

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name, "").strip()
    return value if value else default


def env_bool(name: str, default: bool) -> bool:
    value = env_str(name)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = env_str(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_float(name: str, default: float) -> float:
    value = env_str(name)
    if value is None:
        return default
    try:
        return float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}") from None


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = env_str(name)
    if value is None:
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def require(name: str, value, profile: str):
    """Refuse to start a profile that lacks a value it cannot run safely without."""
    if not value:
        raise ImproperlyConfigured(
            f"{name} must be set in the environment when DJANGO_ENV={profile}"
        )
    return value


def local_secret(path: Path, make) -> str:
    """Read a secret from a local file, creating it once with `make()` if absent.

    Used only by the embedded (laptop) profile so that `make run` needs no set-up.
    The file is created atomically, so parallel processes agree on one value.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        # Write a private temporary file, then link it into place: the link fails if
        # another process won the race, and nobody ever reads a half-written file.
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(make())
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    value = path.read_text().strip()
    if not value:
        raise ImproperlyConfigured(f"{path} is empty; delete it and start again")
    return value


def random_secret_key() -> str:
    return secrets.token_urlsafe(50)
