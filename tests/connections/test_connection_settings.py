"""A staff member's own Billogram connections: list, add, edit, delete, activate, test, admin."""

import html
import time

import pytest
from cryptography.fernet import Fernet
from django.contrib.auth import get_user_model
from django.db import connection as db_connection
from django.test import Client
from django.urls import reverse

from connections.models import BillogramConnection
from customers import billogram
from customers.billogram import BillogramClient

SENTINEL = "SENTINEL-pw-8f3a"
CUSTOM = BillogramConnection.Environment.CUSTOM
SANDBOX = BillogramConnection.Environment.SANDBOX
PRODUCTION = BillogramConnection.Environment.PRODUCTION


# --- personas and helpers -------------------------------------------------------------------


@pytest.fixture
def alice(db):
    return get_user_model().objects.create_user("alice", password="correct horse battery")


@pytest.fixture
def bob(db):
    return get_user_model().objects.create_user("bob", password="correct horse battery")


@pytest.fixture
def as_alice(client, alice):
    client.force_login(alice)
    return client


def connect(
    owner,
    label,
    *,
    password=SENTINEL,
    active=False,
    environment=SANDBOX,
    base_url="",
    api_user="acme-api",
):
    connection = BillogramConnection(
        owner=owner,
        label=label,
        environment=environment,
        custom_base_url=base_url,
        api_user=api_user,
        is_active=active,
    )
    connection.set_api_password(password)
    connection.save()
    return connection


def text(response) -> str:
    """The page as a reader sees it (entities such as &#x27; decoded)."""
    return html.unescape(response.content.decode())


def stored_column(connection) -> str:
    with db_connection.cursor() as cursor:
        cursor.execute(
            f"SELECT api_password_encrypted FROM {BillogramConnection._meta.db_table} "  # noqa: S608
            "WHERE id = %s",
            [connection.pk],
        )
        return cursor.fetchone()[0]


def snapshot(connection) -> tuple:
    connection.refresh_from_db()
    return (
        connection.owner_id,
        connection.label,
        connection.environment,
        connection.custom_base_url,
        connection.api_user,
        connection.api_password_encrypted,
        connection.is_active,
        connection.version,
    )


def form_data(**overrides) -> dict:
    data = {
        "label": "Acme",
        "environment": "sandbox",
        "custom_base_url": "",
        "api_user": "acme-api",
        "api_password": SENTINEL,
    }
    data.update(overrides)
    return data


# --- 1. listing --------------------------------------------------------------------------


def test_the_list_shows_my_connections_and_never_another_users(as_alice, alice, bob):
    connect(alice, "Alice Production", active=True)
    connect(alice, "Alice Sandbox")
    connect(bob, "Bobs Secret Account", active=True)
    connect(bob, "Bobs Other Account")

    page = text(as_alice.get(reverse("connections:list")))

    assert "Alice Production" in page
    assert "Alice Sandbox" in page
    assert "Bobs Secret Account" not in page
    assert "Bobs Other Account" not in page


def test_the_list_invites_me_to_add_a_connection_when_i_have_none(as_alice, bob):
    connect(bob, "Bobs Secret Account", active=True)

    page = text(as_alice.get(reverse("connections:list")))

    assert "You have no connections yet" in page
    assert "Bobs Secret Account" not in page


# --- 2. adding ---------------------------------------------------------------------------


@pytest.mark.parametrize("environment", ["production", "sandbox"])
def test_adding_a_connection_stores_it_for_me_and_makes_the_first_one_active(
    as_alice, alice, environment
):
    response = as_alice.post(reverse("connections:add"), form_data(environment=environment))

    assert response.status_code == 302
    assert response["Location"] == reverse("connections:list")
    connection = BillogramConnection.objects.get()
    assert connection.owner == alice
    assert connection.label == "Acme"
    assert connection.environment == environment
    assert connection.custom_base_url == ""
    assert connection.api_user == "acme-api"
    assert connection.api_password() == SENTINEL
    assert connection.is_active
    assert connection.version == 1
    assert "Saved “Acme”." in text(as_alice.get(reverse("connections:list")))


def test_a_second_connection_is_added_inactive_and_the_first_stays_active(as_alice, alice):
    as_alice.post(reverse("connections:add"), form_data(label="First"))
    as_alice.post(reverse("connections:add"), form_data(label="Second"))

    first = BillogramConnection.objects.get(label="First")
    second = BillogramConnection.objects.get(label="Second")
    assert first.is_active
    assert not second.is_active


def test_a_custom_environment_uses_its_base_url(as_alice):
    response = as_alice.post(
        reverse("connections:add"),
        form_data(environment="custom", custom_base_url="http://127.0.0.1:8000/sandbox/api/v2/"),
    )

    assert response.status_code == 302
    connection = BillogramConnection.objects.get()
    assert connection.base_url == "http://127.0.0.1:8000/sandbox/api/v2"


def test_a_custom_environment_without_a_base_url_is_a_form_error(as_alice):
    response = as_alice.post(
        reverse("connections:add"), form_data(environment="custom", custom_base_url="")
    )

    assert response.status_code == 200
    assert "A custom environment needs its base URL." in text(response)
    assert not BillogramConnection.objects.exists()


def test_a_base_url_given_for_a_non_custom_environment_is_dropped(as_alice):
    as_alice.post(
        reverse("connections:add"),
        form_data(environment="production", custom_base_url="https://example.test/api/v2"),
    )

    connection = BillogramConnection.objects.get()
    assert connection.custom_base_url == ""
    assert connection.base_url == "https://billogram.com/api/v2"


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("ftp://files.example.test/api/v2", "Use an http:// or https:// address."),
        (
            "https://acme-api:secret@billogram.example.test/api/v2",
            "Put credentials in the API fields, not in the address.",
        ),
        ("http://acme-api@billogram.example.test/api/v2", "Put credentials in the API fields"),
        ("not a url at all", "Enter a valid URL."),
    ],
)
def test_a_custom_base_url_must_be_plain_http_or_https(as_alice, url, error):
    response = as_alice.post(
        reverse("connections:add"), form_data(environment="custom", custom_base_url=url)
    )

    assert response.status_code == 200
    assert error in text(response)
    assert not BillogramConnection.objects.exists()


@pytest.mark.parametrize("missing", ["label", "environment", "api_user", "api_password"])
def test_adding_requires_each_of_the_essential_fields(as_alice, missing):
    response = as_alice.post(reverse("connections:add"), form_data(**{missing: ""}))

    assert response.status_code == 200
    assert "This field is required." in text(response)
    assert not BillogramConnection.objects.exists()


def test_an_unknown_environment_is_a_form_error(as_alice):
    response = as_alice.post(reverse("connections:add"), form_data(environment="staging"))

    assert response.status_code == 200
    assert "Select a valid choice." in text(response)
    assert not BillogramConnection.objects.exists()


def test_a_rejected_add_form_does_not_echo_the_password_back(as_alice):
    response = as_alice.post(
        reverse("connections:add"), form_data(environment="custom", custom_base_url="")
    )

    assert response.status_code == 200
    assert SENTINEL not in response.content.decode()


def test_a_label_i_already_use_is_a_form_error_not_a_crash(as_alice, alice):
    connect(alice, "Acme", active=True)

    response = as_alice.post(reverse("connections:add"), form_data(label="Acme"))
    padded = as_alice.post(reverse("connections:add"), form_data(label="  Acme  "))

    assert response.status_code == 200
    assert "You already have a connection with this label." in text(response)
    assert padded.status_code == 200
    assert "You already have a connection with this label." in text(padded)
    assert BillogramConnection.objects.filter(owner=alice).count() == 1


def test_bob_may_use_the_same_label_as_alice(client, alice, bob):
    connect(alice, "Acme", active=True)
    client.force_login(bob)

    response = client.post(reverse("connections:add"), form_data(label="Acme"))

    assert response.status_code == 302
    bobs = BillogramConnection.objects.get(owner=bob)
    assert bobs.label == "Acme"
    assert bobs.is_active  # bob's first connection, whatever alice has


def test_renaming_to_another_of_my_labels_is_a_form_error(as_alice, alice):
    connect(alice, "Acme", active=True)
    other = connect(alice, "Other")
    before = snapshot(other)

    response = as_alice.post(
        reverse("connections:edit", args=[other.pk]), form_data(label="Acme", api_password="")
    )

    assert response.status_code == 200
    assert "You already have a connection with this label." in text(response)
    assert snapshot(other) == before


# --- 3. the password is write-only; edits bump the version ---------------------------------


def test_the_edit_page_never_shows_the_stored_password_or_its_token(as_alice, alice):
    connection = connect(alice, "Acme", active=True)

    page = as_alice.get(reverse("connections:edit", args=[connection.pk])).content.decode()

    assert "Edit “Acme”" in html.unescape(page)
    assert 'name="api_password"' in page
    assert SENTINEL not in page
    assert connection.api_password_encrypted not in page
    assert "gAAAA" not in page
    assert "Leave empty to keep the stored password." in page


def test_no_connection_page_shows_the_password_or_its_token(as_alice, alice):
    connection = connect(alice, "Acme", active=True)
    connect(alice, "Other")
    pages = [
        as_alice.get(reverse("connections:list")),
        as_alice.get(reverse("connections:edit", args=[connection.pk])),
        as_alice.get(reverse("connections:delete", args=[connection.pk])),
        as_alice.get(reverse("connections:add")),
    ]

    for response in pages:
        assert response.status_code == 200
        body = response.content.decode()
        assert SENTINEL not in body
        assert connection.api_password_encrypted not in body


def test_an_edit_with_an_empty_password_keeps_the_stored_one(as_alice, alice):
    connection = connect(alice, "Acme", active=True)

    response = as_alice.post(
        reverse("connections:edit", args=[connection.pk]),
        form_data(label="Acme renamed", api_user="new-user", api_password=""),
    )

    assert response.status_code == 302
    connection.refresh_from_db()
    assert connection.label == "Acme renamed"
    assert connection.api_user == "new-user"
    assert connection.api_password() == SENTINEL
    assert connection.version == 2


def test_an_edit_with_a_new_password_replaces_the_stored_one(as_alice, alice):
    connection = connect(alice, "Acme", active=True)
    old_token = connection.api_password_encrypted

    as_alice.post(
        reverse("connections:edit", args=[connection.pk]),
        form_data(api_password="SENTINEL-new-pw-77c1"),
    )

    connection.refresh_from_db()
    assert connection.api_password() == "SENTINEL-new-pw-77c1"
    assert connection.api_password_encrypted != old_token
    assert connection.version == 2


def test_every_successful_edit_bumps_the_version_by_one(as_alice, alice):
    connection = connect(alice, "Acme", active=True)
    edit = reverse("connections:edit", args=[connection.pk])

    versions = []
    for data in (
        form_data(api_password=""),  # nothing changed at all still counts as a save
        form_data(label="Acme 2", api_password=""),
        form_data(label="Acme 2", api_password="another-one"),
    ):
        assert as_alice.post(edit, data).status_code == 302
        connection.refresh_from_db()
        versions.append(connection.version)

    assert versions == [2, 3, 4]


def test_an_invalid_edit_changes_nothing_in_the_database(as_alice, alice):
    connection = connect(alice, "Acme", active=True)
    before = snapshot(connection)

    response = as_alice.post(
        reverse("connections:edit", args=[connection.pk]),
        form_data(
            label="Renamed",
            environment="custom",
            custom_base_url="",
            api_user="someone-else",
            api_password="SENTINEL-should-not-be-stored",
        ),
    )

    assert response.status_code == 200
    assert "A custom environment needs its base URL." in text(response)
    assert snapshot(connection) == before
    assert connection.api_password() == SENTINEL
    assert "SENTINEL-should-not-be-stored" not in response.content.decode()


# --- 4. encryption at rest ---------------------------------------------------------------


def test_the_database_column_holds_a_fernet_token_not_the_password(as_alice):
    as_alice.post(reverse("connections:add"), form_data())

    raw = stored_column(BillogramConnection.objects.get())

    assert raw.startswith("gAAAA")
    assert SENTINEL not in raw
    assert BillogramConnection.objects.get().api_password() == SENTINEL


# --- 5. another user's connection is a 404 everywhere --------------------------------------


def _every_connection_request(pk):
    return [
        ("get", reverse("connections:edit", args=[pk]), {}),
        ("post", reverse("connections:edit", args=[pk]), form_data(label="Hijacked")),
        ("get", reverse("connections:delete", args=[pk]), {}),
        ("post", reverse("connections:delete", args=[pk]), {}),
        ("post", reverse("connections:activate", args=[pk]), {}),
        ("post", reverse("connections:test", args=[pk]), {}),
        ("post", reverse("connections:switch"), {"connection": str(pk), "next": "/"}),
    ]


def test_every_connection_url_answers_404_for_another_users_connection(as_alice, alice, bob):
    mine = connect(alice, "Mine", active=True)
    bobs_active = connect(bob, "Bob Active", active=True)
    bobs = connect(bob, "Bob Spare")
    before = (snapshot(bobs), snapshot(bobs_active), snapshot(mine))

    for method, url, data in _every_connection_request(bobs.pk):
        response = getattr(as_alice, method)(url, data)
        assert response.status_code == 404, (method, url)
        assert "Bob Spare" not in text(response)

    assert (snapshot(bobs), snapshot(bobs_active), snapshot(mine)) == before


def test_every_connection_url_answers_404_for_an_id_that_does_not_exist(as_alice, alice):
    mine = connect(alice, "Mine", active=True)
    before = snapshot(mine)

    for method, url, data in _every_connection_request(987654):
        response = getattr(as_alice, method)(url, data)
        assert response.status_code == 404, (method, url)

    assert snapshot(mine) == before


@pytest.mark.parametrize(
    "value", ["", "abc", "-1", "1.0", "\u0661"]
)  # \u0661: an Arabic-Indic digit one
def test_the_switcher_answers_404_for_a_value_that_is_not_an_id(as_alice, alice, value):
    connect(alice, "Mine", active=True)

    response = as_alice.post(reverse("connections:switch"), {"connection": value})

    assert response.status_code == 404
    assert _active_labels(alice) == ["Mine"]


def test_testing_another_users_connection_makes_no_upstream_call(as_alice, alice, bob, monkeypatch):
    bobs = connect(bob, "Bob", active=True)
    monkeypatch.setattr(
        BillogramClient, "list_customers", lambda *a, **k: pytest.fail("called upstream")
    )

    response = as_alice.post(reverse("connections:test", args=[bobs.pk]))

    assert response.status_code == 404


# --- 6. activating and switching -----------------------------------------------------------


def _active_labels(user):
    return list(
        BillogramConnection.objects.filter(owner=user, is_active=True).values_list(
            "label", flat=True
        )
    )


def test_activating_a_connection_leaves_exactly_that_one_active(as_alice, alice, bob):
    connect(alice, "First", active=True)
    second = connect(alice, "Second")
    third = connect(alice, "Third")
    connect(bob, "Bob", active=True)

    response = as_alice.post(reverse("connections:activate", args=[third.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("connections:list")
    assert _active_labels(alice) == ["Third"]

    as_alice.post(reverse("connections:activate", args=[second.pk]))
    assert _active_labels(alice) == ["Second"]
    assert _active_labels(bob) == ["Bob"]


def test_activating_the_already_active_connection_keeps_it_active(as_alice, alice):
    first = connect(alice, "First", active=True)
    connect(alice, "Second")

    as_alice.post(reverse("connections:activate", args=[first.pk]))

    assert _active_labels(alice) == ["First"]


def test_the_header_shows_the_active_connection_on_every_page(as_alice, alice):
    connect(alice, "Alpha", active=True)
    beta = connect(alice, "Beta")

    before = text(as_alice.get(reverse("connections:list")))
    as_alice.post(reverse("connections:activate", args=[beta.pk]))
    after = text(as_alice.get(reverse("connections:list")))

    assert "Billogram: <strong>Alpha</strong>" in before
    assert "Billogram: <strong>Beta</strong>" in after
    assert "Billogram: <strong>Alpha</strong>" not in after
    assert "Now using “Beta”." in after


def test_the_header_switcher_lists_only_my_connections(as_alice, alice, bob):
    connect(alice, "Alpha", active=True)
    connect(alice, "Beta")
    bobs = connect(bob, "Bobs Secret Account", active=True)

    page = text(as_alice.get(reverse("connections:list")))

    assert 'name="connection"' in page
    assert "Bobs Secret Account" not in page
    assert f'value="{bobs.pk}"' not in page


def test_the_switcher_activates_the_choice_and_returns_to_the_same_page(as_alice, alice):
    connect(alice, "Alpha", active=True)
    beta = connect(alice, "Beta")
    back_to = reverse("connections:list") + "?from=switcher"

    response = as_alice.post(
        reverse("connections:switch"), {"connection": str(beta.pk), "next": back_to}
    )

    assert response.status_code == 302
    assert response["Location"] == back_to
    assert _active_labels(alice) == ["Beta"]
    assert "Billogram: <strong>Beta</strong>" in text(as_alice.get(back_to))


@pytest.mark.parametrize(
    "evil",
    [
        "https://evil.example",
        "//evil.example",
        "https://evil.example/settings/connections/",
        "///evil.example",
        "/\\evil.example",
        "javascript:alert(1)",
        "http://testserver.evil.example/",
    ],
)
def test_the_switcher_refuses_to_send_me_off_site(as_alice, alice, evil):
    connect(alice, "Alpha", active=True)
    beta = connect(alice, "Beta")

    response = as_alice.post(
        reverse("connections:switch"), {"connection": str(beta.pk), "next": evil}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert _active_labels(alice) == ["Beta"]


def test_make_active_also_refuses_an_off_site_next(as_alice, alice):
    connect(alice, "Alpha", active=True)
    beta = connect(alice, "Beta")

    response = as_alice.post(
        reverse("connections:activate", args=[beta.pk]), {"next": "//evil.example"}
    )

    assert response["Location"] == reverse("connections:list")


# --- 7. deleting -------------------------------------------------------------------------


def test_get_on_delete_only_asks_for_confirmation(as_alice, alice):
    connection = connect(alice, "Acme", active=True)

    response = as_alice.get(reverse("connections:delete", args=[connection.pk]))

    assert response.status_code == 200
    assert "Delete “Acme”?" in text(response)
    assert '<form method="post"' in response.content.decode()
    assert BillogramConnection.objects.filter(pk=connection.pk, is_active=True).exists()


def test_post_on_delete_deletes_the_connection(as_alice, alice):
    connect(alice, "Active", active=True)
    spare = connect(alice, "Spare")

    response = as_alice.post(reverse("connections:delete", args=[spare.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("connections:list")
    assert not BillogramConnection.objects.filter(pk=spare.pk).exists()
    assert _active_labels(alice) == ["Active"]
    assert "Deleted “Spare”." in text(as_alice.get(reverse("connections:list")))


def test_deleting_the_active_connection_makes_another_one_active(as_alice, alice, bob):
    active = connect(alice, "Beta", active=True)
    connect(alice, "Alpha")
    connect(alice, "Gamma")
    connect(bob, "Bob", active=True)

    as_alice.post(reverse("connections:delete", args=[active.pk]))

    assert _active_labels(alice) == ["Alpha"]
    assert _active_labels(bob) == ["Bob"]
    assert "Billogram: <strong>Alpha</strong>" in text(as_alice.get(reverse("connections:list")))


def test_deleting_the_last_connection_leaves_none(as_alice, alice, bob):
    only = connect(alice, "Only", active=True)
    connect(bob, "Bob", active=True)

    as_alice.post(reverse("connections:delete", args=[only.pk]))

    assert not BillogramConnection.objects.filter(owner=alice).exists()
    assert _active_labels(bob) == ["Bob"]


# --- 8. state changes need POST and a CSRF token -------------------------------------------


def test_state_changing_urls_refuse_get(as_alice, alice):
    first = connect(alice, "First", active=True)
    second = connect(alice, "Second")

    for url in (
        reverse("connections:activate", args=[second.pk]),
        reverse("connections:test", args=[second.pk]),
        reverse("connections:switch") + f"?connection={second.pk}",
    ):
        assert as_alice.get(url).status_code == 405, url

    assert _active_labels(alice) == ["First"]
    assert snapshot(first)[7] == 1


def test_posts_without_a_csrf_token_are_refused(alice):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice)
    first = connect(alice, "First", active=True)
    second = connect(alice, "Second")
    before = (snapshot(first), snapshot(second))

    for url, data in (
        (reverse("connections:add"), form_data(label="New")),
        (reverse("connections:edit", args=[second.pk]), form_data(label="Renamed")),
        (reverse("connections:delete", args=[second.pk]), {}),
        (reverse("connections:activate", args=[second.pk]), {}),
        (reverse("connections:test", args=[second.pk]), {}),
        (reverse("connections:switch"), {"connection": str(second.pk)}),
    ):
        assert strict.post(url, data).status_code == 403, url

    assert (snapshot(first), snapshot(second)) == before
    assert BillogramConnection.objects.filter(owner=alice).count() == 2


def test_a_post_with_the_pages_csrf_token_is_accepted(alice):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice)
    connect(alice, "First", active=True)
    second = connect(alice, "Second")

    strict.get(reverse("connections:list"))
    token = strict.cookies["csrftoken"].value
    response = strict.post(
        reverse("connections:activate", args=[second.pk]), {"csrfmiddlewaretoken": token}
    )

    assert response.status_code == 302
    assert _active_labels(alice) == ["Second"]


# --- 9. "Test connection" against the sandbox over real HTTP ---------------------------------


@pytest.fixture
def hang_up():
    """After the test, close the client's kept-alive connections to live_server.

    Otherwise a live_server thread keeps serving that connection and only ends at interpreter
    exit, after the shared test database connection is gone, and prints a thread traceback.
    """
    yield
    billogram.close_connections()
    time.sleep(0.05)


def _test_and_read_list(client, connection) -> str:
    response = client.post(reverse("connections:test", args=[connection.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("connections:list")
    listing = client.get(reverse("connections:list"))
    body = listing.content.decode()
    assert SENTINEL not in body
    assert connection.api_password_encrypted not in body
    return html.unescape(body)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("hang_up")
def test_a_working_connection_reports_the_customer_count(
    as_alice, alice, sandbox_account, sandbox_url
):
    sandbox_account("acme", customers=23, api_user="acme-api", api_key=SENTINEL)
    connection = connect(alice, "Acme", active=True, environment=CUSTOM, base_url=sandbox_url)

    page = _test_and_read_list(as_alice, connection)

    assert "Acme: Connected. The account has 23 customers." in page
    assert "message-success" in page


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("hang_up")
def test_a_wrong_password_says_the_credentials_were_refused(
    as_alice, alice, sandbox_account, sandbox_url
):
    sandbox_account("acme", customers=3, api_user="acme-api", api_key="the-real-key")
    connection = connect(alice, "Acme", active=True, environment=CUSTOM, base_url=sandbox_url)

    page = _test_and_read_list(as_alice, connection)

    assert "Acme: Billogram refused the API user id or password" in page
    assert "sandbox and production credentials are separate" in page
    assert "message-error" in page
    assert "Connected." not in page


def test_an_address_where_nothing_listens_says_it_could_not_reach_billogram(as_alice, alice):
    connection = connect(
        alice, "Acme", active=True, environment=CUSTOM, base_url="http://127.0.0.1:9/api/v2"
    )

    page = _test_and_read_list(as_alice, connection)

    assert "Could not reach Billogram at http://127.0.0.1:9/api/v2" in page
    assert "message-error" in page


STALL_SECONDS = 0.8


@pytest.fixture
def stalling_sandbox(sandbox_account, sandbox_url, settings, hang_up):
    account = sandbox_account("acme", customers=5, api_user="acme-api", api_key=SENTINEL)
    account.fault, account.stall_seconds = "stall_body", STALL_SECONDS
    account.save()
    settings.BILLOGRAM_READ_TIMEOUT = 0.2
    yield sandbox_url
    # Let the sandbox finish its stalled answer while the test database still exists.
    time.sleep(STALL_SECONDS)


@pytest.mark.django_db(transaction=True)
def test_a_billogram_that_stalls_says_it_did_not_answer_in_time(as_alice, alice, stalling_sandbox):
    connection = connect(alice, "Acme", active=True, environment=CUSTOM, base_url=stalling_sandbox)

    page = _test_and_read_list(as_alice, connection)

    assert f"Acme: Billogram at {stalling_sandbox} did not answer in time" in page


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("hang_up")
# /nothing-here redirects to the login page; /sandbox/api answers an HTML 404.
@pytest.mark.parametrize("path", ["/nothing-here", "/sandbox/api"])
def test_an_address_that_is_not_billograms_api_says_so(as_alice, alice, live_server, path):
    base_url = f"{live_server.url}{path}"
    connection = connect(alice, "Acme", active=True, environment=CUSTOM, base_url=base_url)

    page = _test_and_read_list(as_alice, connection)

    assert f"Acme: {base_url} answered, but not as Billogram's API does" in page
    assert "Check the environment or base URL." in page


# --- 10. a password that cannot be decrypted -----------------------------------------------


def test_an_undecryptable_password_is_explained_and_never_sent_upstream(
    as_alice, alice, settings, monkeypatch
):
    connection = connect(
        alice, "Acme", active=True, environment=CUSTOM, base_url="http://127.0.0.1:9/api/v2"
    )
    settings.CREDENTIAL_KEYS = [Fernet.generate_key().decode()]
    calls = []
    monkeypatch.setattr(
        BillogramClient, "list_customers", lambda *a, **k: calls.append(a) or pytest.fail("call")
    )
    monkeypatch.setattr(
        BillogramClient, "_fetch", lambda *a, **k: calls.append(a) or pytest.fail("fetch")
    )

    page = _test_and_read_list(as_alice, connection)

    assert calls == []
    assert "Acme: The stored Billogram API password cannot be decrypted" in page
    assert "Enter the API password again" in page
    assert "message-error" in page


def test_an_undecryptable_connection_can_be_repaired_by_entering_the_password_again(
    as_alice, alice, settings
):
    connection = connect(alice, "Acme", active=True)
    settings.CREDENTIAL_KEYS = [Fernet.generate_key().decode()]

    edit_page = as_alice.get(reverse("connections:edit", args=[connection.pk]))
    response = as_alice.post(
        reverse("connections:edit", args=[connection.pk]), form_data(api_password="fresh-pw")
    )

    assert edit_page.status_code == 200
    assert response.status_code == 302
    connection.refresh_from_db()
    assert connection.api_password() == "fresh-pw"


# --- 11. the Django admin ------------------------------------------------------------------


@pytest.fixture
def as_admin(client, db):
    admin = get_user_model().objects.create_superuser("root", password="correct horse battery")
    client.force_login(admin)
    return client


ADMIN_ADD = "/admin/connections/billogramconnection/add/"


def _admin_change(pk):
    return f"/admin/connections/billogramconnection/{pk}/change/"


def test_a_superuser_can_add_a_connection_for_a_user_in_the_admin(as_admin, alice):
    response = as_admin.post(
        ADMIN_ADD,
        {
            "owner": alice.pk,
            "label": "Acme",
            "environment": "custom",
            "custom_base_url": "http://127.0.0.1:8000/sandbox/api/v2",
            "api_user": "acme-api",
            "api_password": SENTINEL,
        },
    )

    assert response.status_code == 302, text(response)
    connection = BillogramConnection.objects.get()
    assert connection.owner == alice
    assert connection.api_password() == SENTINEL
    assert stored_column(connection).startswith("gAAAA")
    assert connection.is_active


def test_the_admin_requires_a_password_for_a_new_connection(as_admin, alice):
    response = as_admin.post(
        ADMIN_ADD,
        {"owner": alice.pk, "label": "Acme", "environment": "sandbox", "api_user": "acme-api"},
    )

    assert response.status_code == 200
    assert "A new connection needs its API password." in text(response)
    assert not BillogramConnection.objects.exists()


def test_the_admin_change_page_never_renders_the_password(as_admin, alice):
    connection = connect(alice, "Acme", active=True)

    change = as_admin.get(_admin_change(connection.pk)).content.decode()
    changelist = as_admin.get("/admin/connections/billogramconnection/").content.decode()

    assert "Acme" in changelist
    assert 'name="api_password"' in change
    for body in (change, changelist):
        assert SENTINEL not in body
        assert connection.api_password_encrypted not in body


def test_an_admin_edit_with_an_empty_password_keeps_it_and_bumps_the_version(as_admin, alice):
    connection = connect(alice, "Acme", active=True)

    response = as_admin.post(
        _admin_change(connection.pk),
        {
            "owner": alice.pk,
            "label": "Acme renamed",
            "environment": "sandbox",
            "custom_base_url": "",
            "api_user": "acme-api",
            "api_password": "",
        },
    )

    assert response.status_code == 302, text(response)
    connection.refresh_from_db()
    assert connection.label == "Acme renamed"
    assert connection.api_password() == SENTINEL
    assert connection.version == 2


def test_moving_an_active_connection_to_another_user_in_the_admin_does_not_crash(
    as_admin, alice, bob
):
    # The owner already has an active connection, so the moved one must come in inactive.
    connect(alice, "Alice", active=True)
    bobs = connect(bob, "Bob", active=True)

    response = as_admin.post(
        _admin_change(bobs.pk),
        {
            "owner": alice.pk,
            "label": "Bob",
            "environment": "sandbox",
            "custom_base_url": "",
            "api_user": "acme-api",
            "api_password": "",
        },
    )

    assert response.status_code in (200, 302)
    assert len(_active_labels(alice)) == 1


@pytest.mark.parametrize(
    "url",
    ["", "https://acme-api:secret@billogram.example.test/api/v2", "ftp://files.example.test/"],
)
def test_the_admin_applies_the_same_base_url_rules_as_the_settings_page(as_admin, alice, url):
    # A credentials-in-URL address would otherwise be shown on the owner's connection list.
    response = as_admin.post(
        ADMIN_ADD,
        {
            "owner": alice.pk,
            "label": "Acme",
            "environment": "custom",
            "custom_base_url": url,
            "api_user": "acme-api",
            "api_password": SENTINEL,
        },
    )

    assert response.status_code == 200
    assert not BillogramConnection.objects.exists()
