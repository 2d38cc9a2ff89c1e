"""Billogram's filter and order parameters, as queries over the sandbox's customer table."""

import django_filters
from django.db.models import CharField, F, QuerySet
from django.db.models.functions import Cast, Upper

from customers.api_fields import (
    FILTER_FIELDS,
    FILTER_TYPES,
    ORDER_DIRECTIONS,
    ORDER_FIELDS,
    SPECIAL_SEARCH_FIELD,
)
from sandbox.models import SandboxCustomer

FILTER_COLUMNS = {
    "customer_no": "customer_no",
    "name": "name",
    "notes": "notes",
    "org_no": "org_no",
    "company_type": "company_type",
    "contact:name": "contact_name",
    "contact:email": "contact_email",
    "contact:phone": "contact_phone",
    "address:street_address": "address_street",
    "address:careof": "address_careof",
    "address:zipcode": "address_zipcode",
    "address:city": "address_city",
    "address:country": "address_country",
    "delivery_address:name": "delivery_name",
    "delivery_address:street_address": "delivery_street",
    "delivery_address:careof": "delivery_careof",
    "delivery_address:zipcode": "delivery_zipcode",
    "delivery_address:city": "delivery_city",
    "delivery_address:country": "delivery_country",
}

ORDER_COLUMNS = {
    "customer_no": "customer_no",
    "name": "name",
    "org_no": "org_no",
    "contact:email": "contact_email",
    "contact:phone": "contact_phone",
    "address:zipcode": "address_zipcode",
    "address:city": "address_city",
    "delivery_address:name": "delivery_name",
    "delivery_address:zipcode": "delivery_zipcode",
    "delivery_address:city": "delivery_city",
    "created_at": "created_at",
    "updated_at": "updated_at",
}

assert FILTER_COLUMNS.keys() == FILTER_FIELDS.keys()  # noqa: S101 (import-time consistency)
assert ORDER_COLUMNS.keys() == ORDER_FIELDS.keys()  # noqa: S101


def _choices(names):
    return [(name, name) for name in names]


class CustomerFilterSet(django_filters.FilterSet):
    """Validates Billogram's list parameters and applies them as one query.

    Billogram takes one filter per request as a (type, field, value) triple, so the three
    filters only validate here and `filter_queryset` applies them together.
    """

    filter_type = django_filters.ChoiceFilter(choices=_choices(FILTER_TYPES), method="_later")
    filter_field = django_filters.ChoiceFilter(
        choices=_choices([*FILTER_FIELDS, SPECIAL_SEARCH_FIELD]), method="_later"
    )
    # The value is matched as sent: spaces are part of it, as they are for Billogram.
    filter_value = django_filters.CharFilter(method="_later", strip=False)
    order_field = django_filters.ChoiceFilter(choices=_choices(ORDER_FIELDS), method="_later")
    order_direction = django_filters.ChoiceFilter(
        choices=_choices(ORDER_DIRECTIONS), method="_later"
    )

    class Meta:
        model = SandboxCustomer
        fields = []

    def _later(self, queryset, name, value):
        return queryset

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        data = self.form.cleaned_data
        if data.get("filter_type"):
            queryset = matching(
                queryset, data["filter_type"], data["filter_field"], data["filter_value"]
            )
        return ordered(
            queryset, data.get("order_field") or "customer_no", data.get("order_direction") or "asc"
        )


def matching(queryset: QuerySet, filter_type: str, field: str, value: str) -> QuerySet:
    if filter_type == "special":
        return queryset.filter(search_text__contains=value.casefold())
    column = FILTER_COLUMNS[field]
    if filter_type == "field":
        if column == "customer_no":
            return (
                queryset.filter(customer_no=int(value))
                if value.isascii() and value.isdigit()
                else queryset.none()
            )
        return queryset.filter(**{column: value})
    # Prefix and substring matches ignore case, as a person typing into a search box expects.
    text = Cast(column, CharField()) if column == "customer_no" else F(column)
    lookup = "startswith" if filter_type == "field-prefix" else "contains"
    return queryset.annotate(_match=Upper(text)).filter(**{f"_match__{lookup}": value.upper()})


def ordered(queryset: QuerySet, order_field: str, direction: str) -> QuerySet:
    """Order by one field, ties broken by customer number so pages never overlap."""
    column = ORDER_COLUMNS[order_field]
    if direction == "desc":
        keys = [F(column).desc(nulls_last=True), F("customer_no").desc()]
    else:
        keys = [F(column).asc(nulls_first=True), F("customer_no").asc()]
    return queryset.order_by(*keys[:1] if column == "customer_no" else keys)
