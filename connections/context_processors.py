from django.utils.functional import SimpleLazyObject

from connections.selectors import user_connections


def connections(request):
    """The user's connections for the header's switcher, fetched only if a template asks."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {"user_connections": SimpleLazyObject(lambda: user_connections(request.user))}
