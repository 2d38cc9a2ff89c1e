"""CSV export of every customer matching a search, streamed as Billogram's pages arrive.

Pages of 100 are fetched with a small, bounded number of requests in flight and written in
order, so the first rows leave within about one Billogram round trip and memory holds at most
`in_flight` pages whatever the number of matches.
"""

import csv
import io
import logging
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import fields, is_dataclass
from datetime import datetime
from math import ceil

from customers.billogram import BillogramClient, BillogramError
from customers.query import SearchQuery
from customers.records import Customer, CustomerPage

logger = logging.getLogger("billodash.export")

EXPORT_PAGE_SIZE = 100
BOM = "\ufeff"
# A cell starting with one of these is read as a formula by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _layout(cls) -> tuple:
    """Each field as (name, None) for a scalar, or (name, layout) for a nested block."""
    layout = []
    for field in fields(cls):
        kind = field.type.__args__[0] if hasattr(field.type, "__args__") else field.type
        nested = isinstance(kind, type) and is_dataclass(kind)
        layout.append((field.name, _layout(kind) if nested else None))
    return tuple(layout)


def _headers(layout, prefix=()) -> list[str]:
    """Readable headers, nested blocks flattened: "address city"."""
    headers = []
    for name, nested in layout:
        path = (*prefix, name.replace("_", " "))
        headers += _headers(nested, path) if nested else [" ".join(path)]
    return headers


LAYOUT = _layout(Customer)
HEADERS = _headers(LAYOUT)


def neutralise(value: str) -> str:
    """Keep spreadsheet programs from running a cell as a formula (OWASP CSV injection)."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.isoformat()
    return neutralise(str(value))


def _flatten(record, layout, row: list) -> list:
    """Append the record's cells to `row` in the order of `layout` (blank for absent blocks)."""
    for name, nested in layout:
        value = None if record is None else getattr(record, name)
        if nested is None:
            row.append(_text(value))
        else:
            _flatten(value, nested, row)
    return row


def _csv(rows) -> str:
    """Rows as CSV text, in one chunk."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


def _csv_rows(customers) -> str:
    """One page of customers as CSV text: one chunk per page, not per row."""
    return _csv(_flatten(customer, LAYOUT, []) for customer in customers)


def export_lines(
    *, client: BillogramClient, query: SearchQuery, first: CustomerPage, in_flight: int
) -> Iterator[str]:
    """The CSV in chunks: BOM and header, then every page in order.

    `first` is page 1 at EXPORT_PAGE_SIZE, already fetched (it tells how many pages follow).
    An upstream failure part-way ends the file with an explicit error line.
    """
    yield BOM + _csv([HEADERS])
    yield _csv_rows(first.customers)
    written = len(first.customers)
    pages = ceil(first.total_count / EXPORT_PAGE_SIZE)
    params = query.with_page_size(EXPORT_PAGE_SIZE).billogram_params()
    following = iter(range(2, pages + 1))
    with ThreadPoolExecutor(max_workers=in_flight, thread_name_prefix="export") as pool:
        pending = deque()

        def submit_next():
            page_no = next(following, None)
            if page_no is not None:
                pending.append(pool.submit(client.list_customers, **{**params, "page": page_no}))

        for _ in range(in_flight):
            submit_next()
        while pending:
            try:
                page = pending.popleft().result()
            except BillogramError as exc:
                for future in pending:
                    future.cancel()
                logger.error("export failed after %d rows: %s", written, exc.message)
                yield _csv([[f"ERROR: export incomplete after {written} rows: {exc.message}"]])
                return
            submit_next()
            yield _csv_rows(page.customers)
            written += len(page.customers)
    logger.info("export finished", extra={"rows": written})
