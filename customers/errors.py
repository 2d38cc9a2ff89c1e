"""What a failed Billogram call means to the person looking at the page."""

from dataclasses import dataclass

from connections.crypto import CredentialUnreadable
from customers import billogram


@dataclass(frozen=True)
class UpstreamProblem:
    status: int
    message: str
    check_settings: bool = False


def wait_phrase(exc: billogram.RateLimited) -> str:
    """How long Billogram asks to wait, as people say it: "7 s" or "a moment"."""
    return f"{round(exc.retry_after)} s" if exc.retry_after is not None else "a moment"


def explain(exc: Exception) -> UpstreamProblem:
    if isinstance(exc, CredentialUnreadable):
        return UpstreamProblem(502, str(exc), check_settings=True)
    if isinstance(exc, billogram.BadCredentials):
        return UpstreamProblem(
            502,
            "Billogram refused the API credentials of your active connection. "
            "Check the API user id, password and environment in your connection settings.",
            check_settings=True,
        )
    if isinstance(exc, billogram.RateLimited):
        return UpstreamProblem(
            429, f"Billogram asks to wait {wait_phrase(exc)} before the next request."
        )
    if isinstance(exc, billogram.UpstreamTimeout):
        return UpstreamProblem(504, "Billogram did not answer in time. Try again in a moment.")
    if isinstance(exc, billogram.Unavailable):
        status = 503 if exc.http_status == 503 else 502
        return UpstreamProblem(status, "Billogram is not answering right now. Try again soon.")
    if isinstance(exc, billogram.BadQuery):
        return UpstreamProblem(502, f"Billogram rejected the search: {exc.message}")
    return UpstreamProblem(502, "Billogram sent an answer billodash could not read.")
