from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def minutes_text(delta: timedelta) -> str:
    """A wait as people say it: "15 minutes", "1 minute"."""
    minutes = max(1, round(delta.total_seconds() / 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
