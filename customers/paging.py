"""Pagination over a remote result: Billogram's meta.total_count says how many pages exist."""

from dataclasses import dataclass
from functools import cached_property
from math import ceil

from customers.query import MAX_PAGE, SearchQuery

NEARBY = 2  # page numbers shown on each side of the current one


@dataclass(frozen=True)
class PageLink:
    number: int
    querystring: str
    current: bool = False


@dataclass(frozen=True)
class Pager:
    """The pager's numbers and links; each link is worked out once, however often a template
    asks for it."""

    query: SearchQuery
    total_count: int

    @cached_property
    def last_page(self) -> int:
        return min(MAX_PAGE, max(1, ceil(self.total_count / self.query.page_size)))

    @property
    def first_shown(self) -> int:
        return min(self.total_count, (self.query.page - 1) * self.query.page_size + 1)

    @property
    def last_shown(self) -> int:
        return min(self.total_count, self.query.page * self.query.page_size)

    def _link(self, number: int) -> PageLink:
        return PageLink(
            number, self.query.with_page(number).querystring(), number == self.query.page
        )

    @cached_property
    def first(self) -> PageLink | None:
        return self._link(1) if self.query.page > 1 else None

    @cached_property
    def previous(self) -> PageLink | None:
        return self._link(self.query.page - 1) if self.query.page > 1 else None

    @cached_property
    def next(self) -> PageLink | None:
        return self._link(self.query.page + 1) if self.query.page < self.last_page else None

    @cached_property
    def last(self) -> PageLink | None:
        return self._link(self.last_page) if self.query.page < self.last_page else None

    @cached_property
    def nearby(self) -> list[PageLink]:
        low = max(1, self.query.page - NEARBY)
        high = min(self.last_page, self.query.page + NEARBY)
        return [self._link(number) for number in range(low, high + 1)]

    def page_sizes(self, sizes) -> list[PageLink]:
        """Links that change the page size (and go back to page 1), keeping everything else."""
        return [
            PageLink(
                size, self.query.with_page_size(size).querystring(), size == self.query.page_size
            )
            for size in sizes
        ]
