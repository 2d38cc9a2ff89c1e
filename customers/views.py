from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect

from audit.models import AuditEntry
from audit.services import audit_record
from connections.crypto import CredentialUnreadable
from customers.api_fields import FILTER_FIELDS
from customers.billogram import BillogramError, NotFound
from customers.errors import explain
from customers.export import export_lines
from customers.forms import ADVANCED_FILTER_TYPES, CustomerSearchForm
from customers.paging import Pager
from customers.presenters import customer_sections
from customers.query import DEFAULT_PAGE_SIZE, PAGE_SIZES, SearchQuery
from customers.selectors import (
    NoActiveConnection,
    customer_export_start,
    customer_get,
    customer_search,
)
from customers.tables import CustomerTable

UPSTREAM_FAILURES = (BillogramError, CredentialUnreadable)


def _to_settings(request):
    messages.info(request, "Add your Billogram API user to start searching customers.")
    if request.htmx:
        return HttpResponseClientRedirect(reverse("connections:list"))
    return redirect("connections:list")


def _render_search(request, context, status=200):
    """The whole page, or for htmx just the part it swaps (with the URL to show)."""
    if request.htmx and not request.htmx.history_restore_request:
        response = render(request, "customers/_search_page.html", context, status=status)
        response["HX-Push-Url"] = request.get_full_path()
        return response
    return render(request, "customers/search.html", context, status=status)


def _search_url(query: SearchQuery) -> str:
    return reverse("customers:search") + query.querystring()


def _is_canonical(request, query: SearchQuery) -> bool:
    given = [(key, value) for key, values in request.GET.lists() for value in values]
    return given == query.canonical_params()


def home(request):
    return redirect("customers:search")


def customer_list(request):
    form = CustomerSearchForm(request.GET)
    query = form.to_query()
    refresh = request.GET.get("refresh") == "1"
    if not form.errors and not refresh and not _is_canonical(request, query):
        return redirect(_search_url(query))
    context = {
        "form": form,
        "query": query,
        "search_url": reverse("customers:search"),
        "filter_types": ADVANCED_FILTER_TYPES,
        "filter_fields": FILTER_FIELDS,
    }
    audit = {
        "user": request.user,
        "action": AuditEntry.Action.SEARCH,
        "details": query.billogram_params(),
    }
    try:
        result = customer_search(user=request.user, query=query, refresh=refresh)
    except NoActiveConnection:
        return _to_settings(request)
    except UPSTREAM_FAILURES as exc:
        problem = explain(exc)
        audit_record(**audit, outcome=f"failed: {problem.status}")
        context["problem"] = problem
        return _render_search(request, context, status=problem.status)
    audit_record(**audit, outcome="stale copy" if result.stale else "ok")
    if refresh:
        return redirect(_search_url(query))  # the fresh answer is cached for this clean URL
    pager = Pager(query, result.value.total_count)
    if query.page > pager.last_page:
        return redirect(_search_url(query.with_page(pager.last_page)))
    context.update(
        result=result,
        pager=pager,
        # Built only if the table's fragment is rendered: a cached fragment needs neither.
        page_sizes=SimpleLazyObject(lambda: pager.page_sizes(PAGE_SIZES)),
        table=SimpleLazyObject(lambda: CustomerTable(result.value.customers, query=query)),
        table_cache_seconds=settings.BILLODASH_CACHE_TTL,
        clear_querystring=query.without_filter().querystring(),
        refresh_querystring="?" + urlencode([*query.canonical_params(), ("refresh", "1")]),
        export_querystring=query.with_page_size(DEFAULT_PAGE_SIZE).querystring(),
    )
    return _render_search(request, context)


def _safe_back(request) -> str:
    """Where "back to results" goes: only ever the search page of this site."""
    back = request.GET.get("back", "")
    parts = urlsplit(back)
    search = reverse("customers:search")
    inside = url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    if inside and not parts.scheme and not parts.netloc and parts.path == search:
        return back
    return search


def customer_detail(request, customer_no: int):
    back = _safe_back(request)
    refresh = request.GET.get("refresh") == "1"
    context = {"customer_no": customer_no, "back": back}
    audit = {
        "user": request.user,
        "action": AuditEntry.Action.CUSTOMER_VIEW,
        "details": {"customer_no": customer_no},
    }
    try:
        lookup = customer_get(user=request.user, customer_no=customer_no, refresh=refresh)
    except NoActiveConnection:
        return _to_settings(request)
    except NotFound:
        audit_record(**audit, outcome="not found")
        return render(request, "customers/not_found.html", context, status=404)
    except UPSTREAM_FAILURES as exc:
        context["problem"] = explain(exc)
        audit_record(**audit, outcome=f"failed: {context['problem'].status}")
        return render(request, "customers/detail.html", context, status=context["problem"].status)
    result = lookup.result
    audit_record(**audit, outcome="stale copy" if result.stale else "ok")
    if refresh:
        return redirect(f"{request.path}?{urlencode({'back': back})}")
    context.update(
        result=result,
        customer=result.value,
        sections=customer_sections(result.value),
        web_url=lookup.web_url,
    )
    return render(request, "customers/detail.html", context)


def customer_export(request):
    """Every customer matching the search, as a streamed CSV download."""
    query = CustomerSearchForm(request.GET).to_query()
    back = _search_url(query.with_page(1))
    audit = {
        "user": request.user,
        "action": AuditEntry.Action.EXPORT,
        "details": query.billogram_params(),
    }
    try:
        client, first = customer_export_start(user=request.user, query=query)
    except NoActiveConnection:
        return _to_settings(request)
    except UPSTREAM_FAILURES as exc:
        problem = explain(exc)
        audit_record(**audit, outcome=f"failed: {problem.status}")
        messages.error(request, f"The export could not start. {problem.message}")
        return redirect(back)
    limit = settings.BILLODASH_EXPORT_MAX_ROWS
    if first.total_count > limit:
        audit_record(**audit, outcome=f"refused: {first.total_count} rows")
        messages.error(
            request,
            f"This search matches {first.total_count:,} customers; an export holds at most "
            f"{limit:,}. Narrow the search and export again.",
        )
        return redirect(back)
    audit_record(**audit, outcome=f"started: {first.total_count} rows")
    lines = export_lines(
        client=client, query=query, first=first, in_flight=settings.BILLODASH_EXPORT_IN_FLIGHT
    )
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="customers-{stamp}.csv"'
    return response
