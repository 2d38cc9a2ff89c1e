from django.apps import AppConfig
from django.db.backends.signals import connection_created


def _unicode_upper(value):
    return value.upper() if isinstance(value, str) else value


def _teach_sqlite_unicode_case(sender, connection, **kwargs):
    """SQLite's UPPER() folds ASCII only; searches for "öster" must find "Östersund"."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("UPPER", 1, _unicode_upper, deterministic=True)


class SandboxConfig(AppConfig):
    name = "sandbox"
    verbose_name = "Billogram sandbox"

    def ready(self):
        from django.conf import settings

        from sandbox.faults import parse_faults

        parse_faults(settings.SANDBOX_FAULTS or "")  # fail at start-up on a bad setting
        connection_created.connect(_teach_sqlite_unicode_case)
