"""The sandbox's Billogram v2 customer API: same URLs, envelopes, errors and auth as Billogram.

Reference: ../shared/docs/billogram-api.md
"""

import base64
import binascii
import json
import time

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, StreamingHttpResponse
from django.views.decorators.csrf import csrf_exempt

from sandbox.faults import Faults, faults_for
from sandbox.filters import CustomerFilterSet
from sandbox.models import SandboxApiUser, SandboxCustomer

JSON = "application/json"
PAGE_SIZE_DEFAULT = 100
PAGE_SIZE_MAX = 100


def _json(body: dict, status: int = 200) -> HttpResponse:
    return HttpResponse(json.dumps(body, ensure_ascii=False), content_type=JSON, status=status)


def _error(status: int, code: str, message: str, field: str | None = None) -> HttpResponse:
    data = {"message": message}
    if field:
        data["field"] = field
        data["field_path"] = [field]
    return _json({"status": code, "data": data}, status=status)


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, field: str | None = None):
        super().__init__(message)
        self.response = _error(status, code, message, field)


def _api_user(request) -> SandboxApiUser:
    header = request.headers.get("Authorization", "")
    if not header:
        raise ApiError(401, "MISSING_AUTH", "Authentication is required")
    scheme, _, encoded = header.partition(" ")
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        decoded = ""
    user_id, sep, api_key = decoded.partition(":")
    if scheme.lower() == "basic" and sep:
        api_user = SandboxApiUser.objects.select_related("account").filter(api_user=user_id).first()
        if api_user is not None and api_user.check_api_key(api_key):
            return api_user
    raise ApiError(403, "INVALID_AUTH", "Invalid API user or key")


def _positive_int(params, name: str, default: int, maximum: int | None = None) -> int:
    raw = params.get(name, "")
    if raw == "":
        return default
    if not (raw.isascii() and raw.isdigit()) or int(raw) < 1 or (maximum and int(raw) > maximum):
        limit = f"between 1 and {maximum}" if maximum else "at least 1"
        raise ApiError(400, "INVALID_QUERY_PARAMETER", f"{name} must be an integer {limit}", name)
    return int(raw)


def _filterset(params, account) -> CustomerFilterSet:
    triple = ("filter_type", "filter_field", "filter_value")
    given = [name for name in triple if params.get(name, "") != ""]
    if given and len(given) < len(triple):
        missing = next(name for name in triple if name not in given)
        raise ApiError(
            400,
            "MISSING_QUERY_PARAMETER",
            f"{missing} is required with {', '.join(given)}",
            missing,
        )
    filterset = CustomerFilterSet(params, queryset=SandboxCustomer.objects.filter(account=account))
    if not filterset.is_valid():
        field, errors = next(iter(filterset.errors.items()))
        raise ApiError(400, "INVALID_QUERY_PARAMETER", f"{field}: {' '.join(errors)}", field)
    special = params.get("filter_type") == "special"
    if given and special != (params.get("filter_field") == "search"):
        raise ApiError(
            400,
            "INVALID_QUERY_PARAMETER",
            "filter_type special goes with filter_field search, and only with it",
            "filter_field",
        )
    return filterset


def _list(request, account) -> HttpResponse:
    page = _positive_int(request.GET, "page", 1)
    page_size = _positive_int(request.GET, "page_size", PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX)
    matches = _filterset(request.GET, account).qs
    total = matches.count()
    offset = (page - 1) * page_size
    documents = (
        matches.values_list("document", flat=True)[offset : offset + page_size]
        if total > offset
        else []
    )
    # The stored documents are already JSON: join them instead of decoding and re-encoding.
    body = f'{{"status":"OK","meta":{{"total_count":{total}}},"data":[{",".join(documents)}]}}'
    return HttpResponse(body, content_type=JSON)


def _detail(request, account, customer_no: str) -> HttpResponse:
    number = int(customer_no) if customer_no.isascii() and customer_no.isdigit() else None
    document = (
        SandboxCustomer.objects.filter(account=account, customer_no=number)
        .values_list("document", flat=True)
        .first()
        if number is not None
        else None
    )
    if document is None:
        raise ApiError(404, "NOT_FOUND", f"object not found with id={customer_no}")
    return HttpResponse(f'{{"status":"OK","data":{document}}}', content_type=JSON)


def _faulty(fault: str, faults: Faults, answer) -> HttpResponse:
    if fault == "error_500":
        return _error(500, "INTERNAL_ERROR", "An internal error occurred")
    if fault == "error_503":
        return _error(503, "SERVICE_UNAVAILABLE", "The service is temporarily unavailable")
    if fault == "rate_limit":
        response = _error(429, "TOO_MANY_REQUESTS", "Too many requests")
        response["Retry-After"] = str(faults.retry_after)
        return response
    if fault == "html_error":
        page = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1>"
        return HttpResponse(page, content_type="text/html", status=502)
    body = answer().content
    if fault == "malformed_json":
        return HttpResponse(body[: max(1, len(body) // 2)], content_type=JSON)
    return _stalling(body, faults.stall_seconds)


def _stalling(body: bytes, seconds: float) -> StreamingHttpResponse:
    """A complete-looking answer whose body pauses half-way."""

    def chunks():
        yield body[: len(body) // 2]
        time.sleep(seconds)
        yield body[len(body) // 2 :]

    response = StreamingHttpResponse(chunks(), content_type=JSON)
    response["Content-Length"] = str(len(body))
    return response


def _serve(request, handler, *args) -> HttpResponse:
    if request.method != "GET":
        return _error(405, "METHOD_NOT_ALLOWED", f"{request.method} is not allowed here")
    try:
        account = _api_user(request).account
        faults = faults_for(account)
        delay = faults.delay_seconds()
        if delay:
            time.sleep(delay)
        fault = faults.pick_fault()
        if fault:
            return _faulty(fault, faults, lambda: handler(request, account, *args))
        return handler(request, account, *args)
    except ApiError as exc:
        return exc.response


@csrf_exempt
@login_not_required
def customer_list(request):
    return _serve(request, _list)


@csrf_exempt
@login_not_required
def customer_detail(request, customer_no: str):
    return _serve(request, _detail, customer_no)
