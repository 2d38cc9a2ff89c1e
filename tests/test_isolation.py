"""Two users on different Billogram accounts never see each other's customers, cold or warm."""

from html import escape

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from sandbox.models import SandboxCustomer
from tests.helpers import connected_user

pytestmark = pytest.mark.django_db(transaction=True)


def _browser_for(username, account, sandbox_account, sandbox_url, seed):
    sandbox_account(account, customers=20, seed=seed, api_user=f"{username}-api",
                    api_key=f"{username}-key")  # fmt: skip
    user = connected_user(username, base_url=sandbox_url, label=account,
                          api_user=f"{username}-api", api_key=f"{username}-key")  # fmt: skip
    browser = Client()
    browser.force_login(user)
    return browser


@pytest.mark.parametrize("alice_first", [True, False], ids=["alice-warms", "bob-warms"])
def test_the_same_customer_number_shows_each_users_own_customer(
    sandbox_account, sandbox_url, alice_first
):
    cache.clear()
    alice = _browser_for("alice", "acme", sandbox_account, sandbox_url, seed=1)
    bob = _browser_for("bob", "globex", sandbox_account, sandbox_url, seed=2)
    url = reverse("customers:detail", args=[2])
    names = {
        account: SandboxCustomer.objects.get(account__name=account, customer_no=2).name
        for account in ("acme", "globex")
    }
    assert names["acme"] != names["globex"]

    order = [(alice, "acme"), (bob, "globex")]
    for browser, account in order if alice_first else order[::-1]:
        page = browser.get(url).content.decode()
        other = "globex" if account == "acme" else "acme"
        assert escape(names[account]) in page
        assert escape(names[other]) not in page
