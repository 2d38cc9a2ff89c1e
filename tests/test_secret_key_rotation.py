"""Rotating SECRET_KEY logs no one out while the old key is listed in SECRET_KEY_FALLBACKS."""

import pytest
from django.urls import reverse

OLD_KEY = "old-secret-key-for-the-rotation-test-0123456789-abcdefghijklmnop"
NEW_KEY = "new-secret-key-for-the-rotation-test-0123456789-qrstuvwxyzABCDEF"
PAGE = reverse("connections:list")


@pytest.fixture
def signed_in_under_the_old_key(client, settings, django_user_model):
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = OLD_KEY, []
    client.force_login(django_user_model.objects.create_user("ann", password="x-y-z-1-2-3"))
    assert client.get(PAGE).status_code == 200
    return client


def test_with_the_old_key_as_a_fallback_the_session_survives(signed_in_under_the_old_key, settings):
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW_KEY, [OLD_KEY]

    assert signed_in_under_the_old_key.get(PAGE).status_code == 200


def test_without_the_fallback_the_session_ends(signed_in_under_the_old_key, settings):
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW_KEY, []

    response = signed_in_under_the_old_key.get(PAGE)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
