"""The one module that speaks HTTP to Billogram's v2 customer API.

Everything that can go wrong on the wire becomes one of the BillogramError subclasses below;
no requests or urllib3 exception escapes this module. Credentials belong to the client object
made for one call site and are passed per request, never stored on the shared session.
"""

import json
import logging
import random
import threading
import time
from datetime import UTC
from email.utils import parsedate_to_datetime
from http.cookiejar import DefaultCookiePolicy
from urllib.parse import quote

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ReadTimeoutError

from customers.records import Customer, CustomerPage, CustomerRow, RecordError

logger = logging.getLogger("billodash.billogram")

_BODY_CHUNK = 64 * 1024
_pause = time.sleep  # the wait between attempts (tests record it instead)


class BillogramError(Exception):
    """Base of every failure talking to Billogram.

    `http_status` is the status Billogram answered with (None when no answer came),
    `code` Billogram's own status string (e.g. INVALID_AUTH) when its body had one.
    """

    default_message = "Billogram could not answer the request."

    def __init__(self, message: str | None = None, *, http_status=None, code=None, field=None):
        self.message = message or self.default_message
        self.http_status = http_status
        self.code = code
        self.field = field
        super().__init__(self.message)


class BadCredentials(BillogramError):
    default_message = "Billogram refused the API user id or password."


class NotFound(BillogramError):
    default_message = "Billogram has no such object."


class BadQuery(BillogramError):
    default_message = "Billogram rejected the query."


class RateLimited(BillogramError):
    default_message = "Billogram asks to slow down."

    retryable = True

    def __init__(self, message=None, *, retry_after: float | None = None, **kwargs):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class Unavailable(BillogramError):
    default_message = "Billogram is unavailable."

    def __init__(self, message=None, *, retryable=False, retry_after=None, **kwargs):
        super().__init__(message, **kwargs)
        self.retryable = retryable
        self.retry_after = retry_after


class UpstreamTimeout(BillogramError):
    default_message = "Billogram did not answer in time."


class BadResponse(BillogramError):
    default_message = "Billogram sent an answer that could not be read."


# Kept-alive connections to Billogram, one pool for every thread (urllib3's pools are
# thread-safe): the connection a call finds is the one used most recently by any thread, so
# it is still open. Pools of their own left each thread's connection idle until the server's
# keep-alive closed it, and export threads always connected afresh. Sized above the threads
# that can call at once (gunicorn's threads, export workers), so none is discarded.
_POOL_SIZE = 64
_pool = HTTPAdapter(pool_maxsize=_POOL_SIZE)
_thread_state = threading.local()


def _session() -> requests.Session:
    """One requests.Session per thread (a Session is not made to be shared), all using the
    one connection pool."""
    session = getattr(_thread_state, "session", None)
    if session is None:
        session = requests.Session()
        # A cookie from one account's answer must never ride along on another account's call.
        session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
        session.headers.update({"Accept": "application/json", "User-Agent": "billodash"})
        session.mount("http://", _pool)
        session.mount("https://", _pool)
        _thread_state.session = session
    return session


def close_connections() -> None:
    """Close the pooled connections to Billogram (they reopen on the next call)."""
    _pool.close()


def _retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # "-0000" means UTC with no further information (RFC 5322)
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - time.time())


def _is_json(response: requests.Response) -> bool:
    media_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    return media_type == "application/json"


class BillogramClient:
    def __init__(
        self,
        *,
        base_url: str,
        api_user: str,
        api_password: str,
        connect_timeout: float | None = None,
        read_timeout: float | None = None,
        deadline: float | None = None,
    ):
        self.base_url = base_url.rstrip("/")
        self._auth = (api_user, api_password)
        self.connect_timeout = connect_timeout or settings.BILLOGRAM_CONNECT_TIMEOUT
        self.read_timeout = read_timeout or settings.BILLOGRAM_READ_TIMEOUT
        self.deadline = deadline or settings.BILLOGRAM_DEADLINE

    def __repr__(self):
        return f"<BillogramClient {self.base_url} user={self._auth[0]!r}>"

    # Reference: https://billogram.com/api/documentation#customers_call
    def list_customers(
        self,
        *,
        page: int = 1,
        page_size: int = 100,
        filter_type: str | None = None,
        filter_field: str | None = None,
        filter_value: str | None = None,
        order_field: str | None = None,
        order_direction: str | None = None,
        record: type[Customer] | type[CustomerRow] = Customer,
    ) -> CustomerPage:
        """One page of customers, each parsed as `record`: a full Customer, or the search
        page's CustomerRow."""
        params = {
            "page": page,
            "page_size": page_size,
            "filter_type": filter_type,
            "filter_field": filter_field,
            "filter_value": filter_value,
            "order_field": order_field,
            "order_direction": order_direction,
        }
        payload = self._get("customer", {k: v for k, v in params.items() if v not in (None, "")})
        meta = payload.get("meta")
        data = payload.get("data")
        total = meta.get("total_count") if isinstance(meta, dict) else None
        if isinstance(total, bool) or not isinstance(total, int) or total < 0:
            raise BadResponse("Billogram's answer had no valid meta.total_count.", http_status=200)
        if not isinstance(data, list):
            raise BadResponse("Billogram's answer had no list of customers.", http_status=200)
        try:
            customers = tuple(record.from_api(item) for item in data)
        except RecordError as exc:
            raise BadResponse(
                f"Billogram sent an unreadable customer: {exc}.", http_status=200
            ) from exc
        return CustomerPage(total_count=total, customers=customers)

    # Reference: https://billogram.com/api/documentation#customers_call
    def get_customer(self, customer_no: int | str) -> Customer:
        payload = self._get(f"customer/{quote(str(customer_no), safe='')}")
        try:
            return Customer.from_api(payload.get("data"))
        except RecordError as exc:
            raise BadResponse(
                f"Billogram sent an unreadable customer: {exc}.", http_status=200
            ) from exc

    def _get(self, path: str, params: dict | None = None) -> dict:
        """GET with retries: connection failures and 502/503/504 are tried again (at most
        BILLOGRAM_RETRIES times, jittered exponential backoff), and a Retry-After up to
        BILLOGRAM_RETRY_AFTER_CAP seconds is waited out; all inside the call's deadline."""
        deadline = time.monotonic() + self.deadline
        attempt = 0
        while True:
            try:
                return self._attempt(path, params, deadline, attempt)
            except (Unavailable, RateLimited) as exc:
                wait = self._retry_wait(exc, attempt)
                if wait is None or time.monotonic() + wait >= deadline:
                    raise
                _pause(wait)
                attempt += 1

    def _retry_wait(self, exc: BillogramError, attempt: int) -> float | None:
        """Seconds to wait before trying again, or None when the failure is final."""
        if attempt >= settings.BILLOGRAM_RETRIES or not getattr(exc, "retryable", False):
            return None
        retry_after = getattr(exc, "retry_after", None)
        if retry_after is not None:
            return retry_after if retry_after <= settings.BILLOGRAM_RETRY_AFTER_CAP else None
        if isinstance(exc, RateLimited):
            return None
        backoff = settings.BILLOGRAM_BACKOFF * 2**attempt
        return backoff * (0.5 + random.random() / 2)  # noqa: S311 (jitter, not security)

    def _attempt(self, path, params, deadline, attempt) -> dict:
        started = time.monotonic()
        status = None
        try:
            response, body = self._fetch(path, params, deadline)
            status = response.status_code
            return self._decode(response, body)
        finally:
            logger.info(
                "billogram call",
                extra={
                    "method": "GET",
                    "path": f"/{path}",
                    "status": status,
                    "attempt": attempt + 1,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                },
            )

    def _fetch(self, path, params, deadline) -> tuple[requests.Response, bytes]:
        url = f"{self.base_url}/{path}"
        read_timeout = max(0.001, min(self.read_timeout, deadline - time.monotonic()))
        try:
            response = _session().get(
                url,
                params=params,
                auth=self._auth,
                timeout=(self.connect_timeout, read_timeout),
                stream=True,
                allow_redirects=False,
            )
        except requests.ConnectTimeout as exc:
            raise Unavailable("Could not connect to Billogram in time.", retryable=True) from exc
        except requests.Timeout as exc:
            raise UpstreamTimeout() from exc
        except requests.ConnectionError as exc:
            raise Unavailable("Could not connect to Billogram.", retryable=True) from exc
        except (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema) as exc:
            raise Unavailable("The Billogram base URL is not a valid address.") from exc
        except requests.RequestException as exc:
            raise Unavailable() from exc
        with response:
            return response, self._read_body(response, deadline)

    def _read_body(self, response: requests.Response, deadline: float) -> bytes:
        chunks = []
        try:
            for chunk in response.iter_content(_BODY_CHUNK):
                chunks.append(chunk)
                if time.monotonic() > deadline:
                    raise UpstreamTimeout("Billogram's answer did not arrive in time.")
        except requests.ConnectionError as exc:
            # requests reports a read timeout inside the body as a ConnectionError.
            if isinstance(exc.args[0] if exc.args else None, ReadTimeoutError):
                raise UpstreamTimeout("Billogram stopped sending its answer.") from exc
            raise BadResponse("Billogram's answer was cut off.") from exc
        except requests.RequestException as exc:
            raise BadResponse("Billogram's answer was cut off.") from exc
        return b"".join(chunks)

    def _decode(self, response: requests.Response, body: bytes) -> dict:
        status = response.status_code
        payload = None
        if _is_json(response):
            try:
                payload = json.loads(body)
            except ValueError:
                payload = None
        if 200 <= status < 300:
            if not isinstance(payload, dict) or payload.get("status") != "OK":
                raise BadResponse(http_status=status)
            return payload
        raise self._error(response, payload)

    def _error(self, response: requests.Response, payload) -> BillogramError:
        status = response.status_code
        code = message = field = None
        if isinstance(payload, dict):
            code = payload.get("status") if isinstance(payload.get("status"), str) else None
            data = payload.get("data")
            if isinstance(data, dict):
                message = data.get("message") if isinstance(data.get("message"), str) else None
                field = data.get("field") if isinstance(data.get("field"), str) else None
        details = {"http_status": status, "code": code, "field": field}
        if status in (401, 403):
            return BadCredentials(message, **details)
        if status == 404:
            return NotFound(message, **details)
        if status == 429:
            retry_after = _retry_after_seconds(response.headers.get("Retry-After"))
            return RateLimited(message, retry_after=retry_after, **details)
        if 400 <= status < 500:
            return BadQuery(message, **details)
        if status >= 500:
            retry_after = _retry_after_seconds(response.headers.get("Retry-After"))
            return Unavailable(
                message, retryable=status in (502, 503, 504), retry_after=retry_after, **details
            )
        return BadResponse(f"Billogram answered with unexpected status {status}.", **details)
