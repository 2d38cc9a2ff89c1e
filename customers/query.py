"""A customer search as a value: Billogram's own list parameters, validated and normalised.

The dashboard's URLs use exactly Billogram's parameter names, so a URL maps one-to-one onto
the API call. `canonical_params()` gives one spelling per search (defaults and empty values
dropped, fixed order): the same search always has the same URL and the same cache key.
"""

from dataclasses import dataclass, replace
from urllib.parse import urlencode

from customers.api_fields import SPECIAL_SEARCH_FIELD

PAGE_SIZES = (10, 25, 50, 100)
DEFAULT_PAGE_SIZE = 25
MAX_PAGE = 1_000_000  # far past any real account; keeps page numbers sane
DEFAULT_ORDER_FIELD = "customer_no"
DEFAULT_ORDER_DIRECTION = "asc"
QUICK_SEARCH = ("special", SPECIAL_SEARCH_FIELD)


@dataclass(frozen=True)
class SearchQuery:
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    filter_type: str = ""
    filter_field: str = ""
    filter_value: str = ""
    order_field: str = DEFAULT_ORDER_FIELD
    order_direction: str = DEFAULT_ORDER_DIRECTION

    @property
    def has_filter(self) -> bool:
        return bool(self.filter_value)

    @property
    def is_quick_search(self) -> bool:
        return self.has_filter and (self.filter_type, self.filter_field) == QUICK_SEARCH

    def billogram_params(self) -> dict:
        """Every parameter of the Billogram list call this search makes."""
        params = {
            "page": self.page,
            "page_size": self.page_size,
            "order_field": self.order_field,
            "order_direction": self.order_direction,
        }
        if self.has_filter:
            params.update(
                filter_type=self.filter_type,
                filter_field=self.filter_field,
                filter_value=self.filter_value,
            )
        return params

    def canonical_params(self) -> list[tuple[str, str]]:
        """The URL parameters: Billogram's names, fixed order, defaults left out."""
        params = []
        if self.has_filter:
            params += [
                ("filter_type", self.filter_type),
                ("filter_field", self.filter_field),
                ("filter_value", self.filter_value),
            ]
        if self.order_field != DEFAULT_ORDER_FIELD:
            params.append(("order_field", self.order_field))
        if self.order_direction != DEFAULT_ORDER_DIRECTION:
            params.append(("order_direction", self.order_direction))
        if self.page_size != DEFAULT_PAGE_SIZE:
            params.append(("page_size", str(self.page_size)))
        if self.page != 1:
            params.append(("page", str(self.page)))
        return params

    def querystring(self) -> str:
        params = self.canonical_params()
        return f"?{urlencode(params)}" if params else ""

    def with_page(self, page: int) -> "SearchQuery":
        return replace(self, page=page)

    def with_page_size(self, page_size: int) -> "SearchQuery":
        """A new page size starts again from the first page."""
        return replace(self, page_size=page_size, page=1)

    def sorted_by(self, order_field: str) -> "SearchQuery":
        """Sort by a column, or reverse it if already sorted by it; back to page 1."""
        direction = "asc"
        if order_field == self.order_field and self.order_direction == "asc":
            direction = "desc"
        return replace(self, order_field=order_field, order_direction=direction, page=1)

    def without_filter(self) -> "SearchQuery":
        return replace(self, filter_type="", filter_field="", filter_value="", page=1)
