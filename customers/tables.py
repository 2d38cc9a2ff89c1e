"""The customer list table. Billogram sorts and pages; the table only lays out one page.

The columns and headers are defined here; customers/_table.html writes the cells with a plain
template loop in the same column order (django-tables2's per-cell rendering is too slow for
the hot path).

Sorting happens upstream (`order_field`/`order_direction`), so it orders the whole result and
not just the visible rows: django-tables2's own ordering is off, and only columns Billogram can
sort on get a sort link.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

import django_tables2 as tables
from django.urls import reverse

from customers.query import SearchQuery

# Column name -> Billogram order field, for the columns Billogram can sort on.
SORTABLE = {
    "customer_no": "customer_no",
    "name": "name",
    "org_no": "org_no",
    "contact_email": "contact:email",
    "contact_phone": "contact:phone",
    "city": "address:city",
    "created_at": "created_at",
}


@dataclass(frozen=True)
class Header:
    name: str
    label: str
    querystring: str | None  # the sort link, or None for a column Billogram cannot sort
    aria_sort: str | None  # "ascending"/"descending" on the sorted column


class CustomerTable(tables.Table):
    customer_no = tables.Column("Customer no.")
    name = tables.Column("Name")
    org_no = tables.Column("Org. no.")
    company_type = tables.Column("Type")
    contact_name = tables.Column("Contact", accessor="contact__name")
    contact_email = tables.Column("Email", accessor="contact__email")
    contact_phone = tables.Column("Phone", accessor="contact__phone")
    city = tables.Column("City", accessor="address__city")
    country = tables.Column("Country", accessor="address__country")
    created_at = tables.DateTimeColumn(format="Y-m-d", verbose_name="Created")

    class Meta:
        orderable = False
        default = "—"
        template_name = "customers/_table.html"

    def __init__(self, data, *, query: SearchQuery, **kwargs):
        super().__init__(data, **kwargs)
        self.query = query
        # The detail link is /customers/<n>/?back=<this search>; built once, not per row.
        self.detail_base = reverse("customers:search")
        self.back_param = urlencode({"back": reverse("customers:search") + query.querystring()})

    def headers(self) -> list[Header]:
        headers = []
        for column in self.columns:
            order_field = SORTABLE.get(column.name)
            sorted_here = order_field is not None and order_field == self.query.order_field
            headers.append(
                Header(
                    name=column.name,
                    label=column.header,
                    querystring=self.query.sorted_by(order_field).querystring()
                    if order_field
                    else None,
                    aria_sort=("ascending" if self.query.order_direction == "asc" else "descending")
                    if sorted_here
                    else None,
                )
            )
        return headers
