"""Fault injection for the sandbox: latency and misbehaving answers, for tests and benchmarks.

Faults are set per sandbox account (in the admin or the database), or for every account at
once with BILLODASH_SANDBOX_FAULTS, for example
"latency_ms=50,jitter_ms=10,fault=error_503,fault_rate=0.2".
"""

import random
from dataclasses import dataclass, fields
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from sandbox.models import SandboxAccount


@dataclass(frozen=True)
class Faults:
    latency_ms: int = 0
    jitter_ms: int = 0
    fault: str = ""
    fault_rate: float = 1.0
    retry_after: int = 5
    stall_seconds: float = 30.0

    def delay_seconds(self) -> float:
        jitter = random.uniform(0, self.jitter_ms) if self.jitter_ms else 0  # noqa: S311
        return (self.latency_ms + jitter) / 1000

    def pick_fault(self) -> str:
        """The fault for this answer, or "" when it should be answered normally."""
        if self.fault and random.random() < self.fault_rate:  # noqa: S311
            return self.fault
        return ""


@lru_cache(maxsize=8)
def parse_faults(text: str) -> Faults | None:
    """Faults from the environment string, or None when it is empty."""
    if not text.strip():
        return None
    types = {f.name: f.type for f in fields(Faults)}
    values = {}
    for item in text.split(","):
        key, sep, raw = item.partition("=")
        key, raw = key.strip(), raw.strip()
        if not sep or key not in types:
            raise ImproperlyConfigured(
                f"BILLODASH_SANDBOX_FAULTS: {item.strip()!r} is not one of {', '.join(types)}=VALUE"
            )
        try:
            values[key] = types[key](raw)
        except ValueError:
            raise ImproperlyConfigured(
                f"BILLODASH_SANDBOX_FAULTS: bad value for {key}: {raw!r}"
            ) from None
    negative = [key for key, value in values.items() if not isinstance(value, str) and value < 0]
    if negative:
        raise ImproperlyConfigured(f"BILLODASH_SANDBOX_FAULTS: {negative[0]} cannot be negative")
    if not 0 <= values.get("fault_rate", 1.0) <= 1:
        raise ImproperlyConfigured("BILLODASH_SANDBOX_FAULTS: fault_rate is a fraction from 0 to 1")
    if values.get("fault", "") not in SandboxAccount.Fault.values:
        known = ", ".join(filter(None, SandboxAccount.Fault.values))
        raise ImproperlyConfigured(f"BILLODASH_SANDBOX_FAULTS: fault must be one of {known}")
    return Faults(**values)


def faults_for(account: SandboxAccount) -> Faults:
    from_env = parse_faults(settings.SANDBOX_FAULTS or "")
    if from_env is not None:
        return from_env
    return Faults(
        latency_ms=account.latency_ms,
        jitter_ms=account.jitter_ms,
        fault=account.fault,
        fault_rate=account.fault_rate,
        retry_after=account.retry_after,
        stall_seconds=account.stall_seconds,
    )
