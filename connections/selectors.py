"""Reads of a user's Billogram connections."""

from connections.models import BillogramConnection


def user_connections(user) -> list[BillogramConnection]:
    """The user's connections, read once per request: the header's switcher and the search
    both need them, so they are kept on the request's user object (as Django keeps its
    permission cache)."""
    if not hasattr(user, "_billodash_connections"):
        user._billodash_connections = list(BillogramConnection.objects.filter(owner=user))
    return user._billodash_connections
