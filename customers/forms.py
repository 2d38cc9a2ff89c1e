from dataclasses import replace

from django import forms

from customers.api_fields import (
    FILTER_FIELDS,
    FILTER_TYPES,
    ORDER_DIRECTIONS,
    ORDER_FIELDS,
    SPECIAL_SEARCH_FIELD,
)
from customers.query import DEFAULT_PAGE_SIZE, MAX_PAGE, PAGE_SIZES, SearchQuery

FILTER_PARAMS = ("filter_type", "filter_field", "filter_value")
ADVANCED_FILTER_TYPES = {k: v for k, v in FILTER_TYPES.items() if k != "special"}


class CustomerSearchForm(forms.Form):
    """Validates a search's query string. Bad values become form errors and fall back to
    defaults, so the page still works and nothing invalid is passed on to Billogram."""

    filter_type = forms.ChoiceField(
        label="Match", required=False, choices=[("", "—"), *FILTER_TYPES.items()]
    )
    filter_field = forms.ChoiceField(
        label="Field",
        required=False,
        choices=[("", "—"), *FILTER_FIELDS.items(), (SPECIAL_SEARCH_FIELD, "Everything")],
    )
    filter_value = forms.CharField(label="Value", required=False, max_length=200)
    order_field = forms.ChoiceField(label="Sort by", required=False, choices=ORDER_FIELDS.items())
    order_direction = forms.ChoiceField(
        label="Direction", required=False, choices=ORDER_DIRECTIONS.items()
    )
    page_size = forms.TypedChoiceField(
        label="Per page",
        required=False,
        coerce=int,
        empty_value=DEFAULT_PAGE_SIZE,
        choices=[(size, str(size)) for size in PAGE_SIZES],
    )
    page = forms.IntegerField(label="Page", required=False, min_value=1, max_value=MAX_PAGE)

    def clean(self):
        cleaned = super().clean()
        if any(name in self.errors for name in FILTER_PARAMS):
            return cleaned
        filter_type = cleaned.get("filter_type", "")
        filter_field = cleaned.get("filter_field", "")
        if not cleaned.get("filter_value"):
            return cleaned  # no value: no filter, whatever else was chosen
        if not filter_type:
            self.add_error("filter_type", "Choose how to match the value.")
        elif not filter_field:
            self.add_error("filter_field", "Choose the field to filter on.")
        elif (filter_type == "special") != (filter_field == SPECIAL_SEARCH_FIELD):
            self.add_error(
                "filter_field",
                "Search everything only works with the quick search; pick a field to filter on.",
            )
        return cleaned

    def to_query(self) -> SearchQuery:
        """The search asked for, with every invalid part replaced by its default."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        query = SearchQuery(
            page=data.get("page") or 1,
            page_size=data.get("page_size") or DEFAULT_PAGE_SIZE,
            order_field=data.get("order_field") or SearchQuery.order_field,
            order_direction=data.get("order_direction") or SearchQuery.order_direction,
        )
        if not any(name in self.errors for name in FILTER_PARAMS) and data.get("filter_value"):
            query = replace(query, **{name: data[name] for name in FILTER_PARAMS})
        return query
