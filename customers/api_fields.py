"""The names Billogram's customer list understands (see ../shared/docs/billogram-api.md).

One place for them: the dashboard's forms offer these, and the built-in sandbox accepts these.
"""

FILTER_TYPES = {
    "field": "is exactly",
    "field-prefix": "starts with",
    "field-search": "contains",
    "special": "full-data search",
}

# `special` is only used with this filter field: a search across the main fields.
SPECIAL_SEARCH_FIELD = "search"

FILTER_FIELDS = {
    "customer_no": "Customer number",
    "name": "Name",
    "notes": "Notes",
    "org_no": "Organisation number",
    "company_type": "Company type",
    "contact:name": "Contact name",
    "contact:email": "Contact email",
    "contact:phone": "Contact phone",
    "address:street_address": "Street address",
    "address:careof": "Address c/o",
    "address:zipcode": "Zip code",
    "address:city": "City",
    "address:country": "Country",
    "delivery_address:name": "Delivery name",
    "delivery_address:street_address": "Delivery street address",
    "delivery_address:careof": "Delivery c/o",
    "delivery_address:zipcode": "Delivery zip code",
    "delivery_address:city": "Delivery city",
    "delivery_address:country": "Delivery country",
}

ORDER_FIELDS = {
    "customer_no": "Customer number",
    "name": "Name",
    "org_no": "Organisation number",
    "contact:email": "Contact email",
    "contact:phone": "Contact phone",
    "address:zipcode": "Zip code",
    "address:city": "City",
    "delivery_address:name": "Delivery name",
    "delivery_address:zipcode": "Delivery zip code",
    "delivery_address:city": "Delivery city",
    "created_at": "Created",
    "updated_at": "Updated",
}

ORDER_DIRECTIONS = {"asc": "ascending", "desc": "descending"}

COMPANY_TYPES = ("individual", "business", "foreign individual", "foreign business")

PAGE_SIZE_MAX = 100
