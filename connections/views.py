from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from connections.forms import ConnectionForm
from connections.models import BillogramConnection
from connections.selectors import user_connections
from connections.services import (
    connection_activate,
    connection_delete,
    connection_save,
    connection_test,
)


def _own(request, pk) -> BillogramConnection:
    """The requesting user's connection, or 404: another user's id looks like no id at all."""
    return get_object_or_404(BillogramConnection, pk=pk, owner=request.user)


def _back(request, fallback="connections:list"):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback)


def connection_list(request):
    # The header's switcher reads the same list: one query serves both.
    connections = user_connections(request.user)
    return render(request, "connections/list.html", {"connections": connections})


def _form_page(request, connection: BillogramConnection, template: str):
    form = ConnectionForm(request.POST or None, instance=connection, owner=request.user)
    if request.method == "POST" and form.is_valid():
        saved = connection_save(
            connection=form.save(commit=False), api_password=form.cleaned_data["api_password"]
        )
        messages.success(request, f"Saved “{saved.label}”.")
        return redirect("connections:list")
    return render(request, template, {"form": form, "connection": connection})


@sensitive_post_parameters("api_password")
def connection_add(request):
    return _form_page(request, BillogramConnection(owner=request.user), "connections/form.html")


@sensitive_post_parameters("api_password")
def connection_edit(request, pk):
    return _form_page(request, _own(request, pk), "connections/form.html")


def connection_remove(request, pk):
    connection = _own(request, pk)
    if request.method == "POST":
        connection_delete(connection=connection)
        messages.success(request, f"Deleted “{connection.label}”.")
        return redirect("connections:list")
    return render(request, "connections/delete.html", {"connection": connection})


@require_POST
def connection_make_active(request, pk):
    connection = _own(request, pk)
    connection_activate(connection=connection)
    messages.success(request, f"Now using “{connection.label}”.")
    return _back(request)


@require_POST
def connection_switch(request):
    """The header's switcher: activate the chosen connection and return to the same page."""
    pk = request.POST.get("connection", "")
    connection = _own(request, pk if pk.isascii() and pk.isdigit() else 0)
    connection_activate(connection=connection)
    return _back(request, fallback="home")


@require_POST
def connection_check(request, pk):
    connection = _own(request, pk)
    result = connection_test(connection=connection)
    level = messages.SUCCESS if result.ok else messages.ERROR
    messages.add_message(request, level, f"{connection.label}: {result.message}")
    return redirect("connections:list")
