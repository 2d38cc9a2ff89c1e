import pytest

from customers import billogram
from sandbox.seeding import seed_account


@pytest.fixture
def sandbox_account(db):
    """Make a seeded sandbox account with its API user: sandbox_account("acme", customers=30)."""

    def make(name="acme", *, customers=30, seed=1, api_user="acme-api", api_key="acme-key"):
        return seed_account(
            account_name=name, customers=customers, seed=seed, api_user=api_user, api_key=api_key
        )

    return make


@pytest.fixture
def sandbox_url(live_server):
    """The base URL of the built-in sandbox served over real HTTP by live_server."""
    yield f"{live_server.url}/sandbox/api/v2"
    # A kept-alive connection would hold a live_server thread past the test database's life.
    billogram.close_session()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real password hashing costs ~0.3 s per login; tests need its behaviour, not its cost."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
