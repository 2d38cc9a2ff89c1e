"""The sandbox's sample data: both record shapes, hostile values, determinism, the command."""

import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sandbox.models import SandboxAccount, SandboxApiUser, SandboxCustomer
from sandbox.seeding import build_customers
from tests.sandbox.conftest import stored_documents
from tests.sandbox.contract import LIST_URL, detail_url, json_body

OLD_TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")
ISO_TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
CURRENT_ONLY = ("language", "edi", "links", "permanent_establishment_address",
                "letter_forwarding_enabled")  # fmt: skip


def is_older_shape(document) -> bool:
    return document.get("updated_at") is None and "language" not in document


@pytest.fixture
def served(api, fetch_all, sandbox_account):
    """All 200 customers of a seed, as the API serves them."""
    sandbox_account("acme", customers=200, seed=1)
    documents = []
    for page in (1, 2):
        documents += json_body(api(LIST_URL, {"page": page}))["data"]
    assert [d["customer_no"] for d in documents] == list(range(1, 201))
    return documents


# --- both record shapes --------------------------------------------------------------------


def test_about_a_fifth_of_the_customers_have_the_older_shape(served):
    older = [d for d in served if is_older_shape(d)]

    assert 0.1 * len(served) <= len(older) <= 0.3 * len(served)


def test_older_records_have_street_address_old_timestamps_and_no_newer_blocks(served):
    older = [d for d in served if is_older_shape(d)]
    assert older

    for document in older:
        assert OLD_TIMESTAMP.match(document["created_at"]), document["created_at"]
        assert document["updated_at"] is None
        assert not set(CURRENT_ONLY) & set(document)
        for block in ("address", "delivery_address"):
            if document.get(block):
                assert "street_address" in document[block]
                assert "address_line_1" not in document[block]


def test_current_records_have_address_lines_and_iso_timestamps(served):
    current = [d for d in served if not is_older_shape(d)]
    assert len(current) > len(served) / 2

    for document in current:
        assert ISO_TIMESTAMP.match(document["created_at"]), document["created_at"]
        assert ISO_TIMESTAMP.match(document["updated_at"]), document["updated_at"]
        assert "language" in document
        assert isinstance(document["letter_forwarding_enabled"], bool)
        for block in ("address", "delivery_address"):
            if document.get(block):
                assert "address_line_1" in document[block]
                assert "street_address" not in document[block]


def test_both_shapes_can_be_read_one_by_one(api, served):
    older = next(d for d in served if is_older_shape(d))
    current = next(d for d in served if not is_older_shape(d))

    assert json_body(api(detail_url(older["customer_no"])))["data"] == older
    assert json_body(api(detail_url(current["customer_no"])))["data"] == current


def test_every_customer_has_a_number_and_a_known_company_type(served):
    types = {d.get("company_type") for d in served}

    assert types == {"individual", "business", "foreign individual", "foreign business"}
    assert all(isinstance(d["customer_no"], int) for d in served)


# --- hostile values ------------------------------------------------------------------------


def test_a_name_with_a_script_tag_is_served_verbatim(api, served):
    assert any("<script>alert(1)</script>" in d["name"] for d in served)
    assert b"<script>alert(1)</script>" in api(LIST_URL).content


def test_a_name_starting_like_a_spreadsheet_formula_is_served(served):
    assert any(d["name"].startswith("=HYPERLINK(") for d in served)


def test_a_name_of_exactly_100_characters_is_served_and_none_is_longer(served):
    lengths = [len(d["name"]) for d in served]

    assert 100 in lengths
    assert max(lengths) == 100


def test_a_record_with_empty_fields_is_served(served):
    empty = [d for d in served if d["name"] == ""]

    assert len(empty) == 1
    (document,) = empty
    assert document["org_no"] == document["vat_no"] == document["notes"] == ""
    assert document["contact"] == {"name": "", "email": "", "phone": ""}
    assert document["address"] == {}


def test_a_small_account_still_gets_every_hostile_record(api, sandbox_account):
    sandbox_account("acme", customers=30)
    names = [d["name"] for d in json_body(api(LIST_URL))["data"]]

    assert any("<script>alert(1)</script>" in n for n in names)
    assert any(n.startswith("=HYPERLINK(") for n in names)
    assert any(len(n) == 100 for n in names)
    assert "" in names


# --- determinism ---------------------------------------------------------------------------


def test_the_same_seed_builds_identical_customers():
    assert list(build_customers(80, seed=7)) == list(build_customers(80, seed=7))


def test_a_different_seed_builds_different_customers():
    assert list(build_customers(80, seed=7)) != list(build_customers(80, seed=8))


def test_the_stored_documents_are_exactly_the_built_customers(sandbox_account):
    account = sandbox_account("acme", customers=40, seed=3)

    assert stored_documents(account) == list(build_customers(40, seed=3))


def test_seeding_twice_replaces_rather_than_appends(sandbox_account):
    first = stored_documents(sandbox_account("acme", customers=40, seed=3))
    account = sandbox_account("acme", customers=40, seed=3)

    assert SandboxCustomer.objects.filter(account=account).count() == 40
    assert stored_documents(account) == first
    assert SandboxAccount.objects.filter(name="acme").count() == 1


def test_reseeding_with_fewer_customers_removes_the_rest(api, sandbox_account):
    sandbox_account("acme", customers=40, seed=3)
    sandbox_account("acme", customers=25, seed=4)

    assert json_body(api(LIST_URL))["meta"]["total_count"] == 25
    assert json_body(api(LIST_URL))["data"] == list(build_customers(25, seed=4))
    assert api(detail_url(30)).status_code == 404


def test_reseeding_one_account_leaves_another_alone(sandbox_account):
    other = sandbox_account("other", customers=20, seed=5, api_user="o-api", api_key="o-key")
    before = stored_documents(other)

    sandbox_account("acme", customers=10, seed=1)
    sandbox_account("acme", customers=5, seed=2)

    assert stored_documents(other) == before


def test_an_account_with_no_customers_lists_an_empty_page(api, sandbox_account):
    sandbox_account("acme", customers=0)

    assert json_body(api(LIST_URL)) == {"status": "OK", "meta": {"total_count": 0}, "data": []}


# --- the seed_sandbox command -------------------------------------------------------------


def seed_command(*args):
    out = io.StringIO()
    call_command("seed_sandbox", *args, stdout=out)
    return out.getvalue()


def test_the_command_creates_the_account_and_its_api_user(api, db):
    output = seed_command(
        "--customers", "12", "--seed", "2", "--account", "cmd",
        "--api-user", "cmd-api", "--api-key", "cmd-key",
    )  # fmt: skip

    account = SandboxAccount.objects.get(name="cmd")
    assert SandboxApiUser.objects.get(api_user="cmd-api").account == account
    body = json_body(api(LIST_URL, auth=("cmd-api", "cmd-key")))
    assert body["meta"]["total_count"] == 12
    assert body["data"] == list(build_customers(12, seed=2))
    assert "12" in output


def test_the_command_run_again_replaces_the_customers_and_keeps_one_user(api, db):
    seed_command("--customers", "12", "--account", "cmd", "--api-user", "u", "--api-key", "k1")
    seed_command("--customers", "8", "--account", "cmd", "--api-user", "u", "--api-key", "k2")

    assert SandboxCustomer.objects.filter(account__name="cmd").count() == 8
    assert SandboxApiUser.objects.filter(api_user="u").count() == 1
    assert api(LIST_URL, auth=("u", "k1")).status_code == 403
    assert json_body(api(LIST_URL, auth=("u", "k2")))["meta"]["total_count"] == 8


def test_the_command_without_an_api_user_creates_no_user(db):
    seed_command("--customers", "3", "--account", "plain")

    assert SandboxAccount.objects.get(name="plain").customers.count() == 3
    assert not SandboxApiUser.objects.exists()


def test_the_command_refuses_an_api_user_without_an_api_key(db):
    with pytest.raises(CommandError, match="--api-key"):
        seed_command("--customers", "5", "--account", "cmd", "--api-user", "cmd-api")

    assert not SandboxAccount.objects.filter(name="cmd").exists()
    assert not SandboxApiUser.objects.exists()


def test_the_command_refuses_an_api_key_without_an_api_user(db):
    with pytest.raises(CommandError):
        seed_command("--customers", "5", "--account", "cmd", "--api-key", "k")

    assert not SandboxAccount.objects.exists()


def test_the_command_refuses_a_negative_customer_count(db):
    with pytest.raises(CommandError):
        seed_command("--customers", "-1", "--account", "cmd")

    assert not SandboxAccount.objects.exists()
