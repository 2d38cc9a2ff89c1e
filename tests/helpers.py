"""Small builders shared by the tests."""

from django.contrib.auth import get_user_model

from connections.models import BillogramConnection


def connect(user, *, base_url, api_user="acme-api", api_key="acme-key", label="Acme",
            active=True) -> BillogramConnection:  # fmt: skip
    """Give `user` a custom-environment connection to `base_url` (e.g. the live sandbox)."""
    connection = BillogramConnection(
        owner=user, label=label, environment=BillogramConnection.Environment.CUSTOM,
        custom_base_url=base_url, api_user=api_user, is_active=active,
    )  # fmt: skip
    connection.set_api_password(api_key)
    connection.save()
    return connection


def connected_user(username, *, base_url, **connection) -> object:
    """A new staff login with one active connection."""
    user = get_user_model().objects.create_user(username, password="pw")
    connect(user, base_url=base_url, **connection)
    return user
