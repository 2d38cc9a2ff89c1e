import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.utils.cache import add_never_cache_headers

LOGGED_IN_AT = "billodash_logged_in_at"
SEEN_AT = "billodash_seen_at"
# Renewing the idle timer at most this often spares a session write on every request.
RENEW_EVERY_SECONDS = 60


@receiver(user_logged_in)
def _remember_login_time(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[LOGGED_IN_AT] = int(time.time())


class SessionLimitsMiddleware:
    """Ends sessions SESSION_ABSOLUTE_SECONDS after login, and renews the idle timer.

    Idle expiry itself is Django's: a session not saved for SESSION_COOKIE_AGE seconds is gone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            logged_in_at = request.session.setdefault(LOGGED_IN_AT, now)
            if now - logged_in_at > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                messages.info(request, "Your session has ended. Please log in again.")
                return redirect_to_login(request.get_full_path())
            if now - request.session.get(SEEN_AT, 0) >= RENEW_EVERY_SECONDS:
                request.session[SEEN_AT] = now
        return self.get_response(request)


class NoStoreForUsersMiddleware:
    """Pages for a logged-in user hold customer data: no browser or proxy may keep them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated:
            add_never_cache_headers(response)
        return response
