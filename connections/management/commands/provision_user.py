import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from connections.models import PRODUCTION_BASE_URL, SANDBOX_BASE_URL, BillogramConnection
from connections.services import connection_activate, connection_save


def _secret(variable: str, what: str) -> str:
    value = os.environ.get(variable, "")
    if not value:
        raise CommandError(f"Environment variable {variable} (the {what}) is empty or not set.")
    return value


class Command(BaseCommand):
    help = (
        "Create or update a staff login and, optionally, its Billogram connection. Secrets are "
        "read from the named environment variables, never from the command line."
    )

    def add_arguments(self, parser):
        # No abbreviations: "--password secret" must fail, not pass as --password-env.
        parser.allow_abbrev = False
        parser.add_argument("username")
        parser.add_argument(
            "--password-env", required=True, metavar="VAR", help="holds the password"
        )
        parser.add_argument("--api-base", metavar="URL", help="Billogram API base URL")
        parser.add_argument("--api-user", metavar="ID", help="Billogram API user id")
        parser.add_argument("--api-key-env", metavar="VAR", help="holds the Billogram API password")
        parser.add_argument("--label", default="Billogram", help="Connection label.")

    @transaction.atomic
    def handle(self, *args, username, password_env, api_base, api_user, api_key_env, label, **opts):
        password = _secret(password_env, "login password")
        wants_connection = any([api_base, api_user, api_key_env])
        if wants_connection and not all([api_base, api_user, api_key_env]):
            raise CommandError("--api-base, --api-user and --api-key-env go together.")

        user, created = get_user_model().objects.get_or_create(username=username)
        user.set_password(password)
        user.save()
        self.stdout.write(f"{'Created' if created else 'Updated'} login {username!r}.")
        if not wants_connection:
            return

        connection = BillogramConnection.objects.filter(owner=user, label=label).first()
        connection = connection or BillogramConnection(owner=user, label=label)
        base = api_base.rstrip("/")
        if base == PRODUCTION_BASE_URL:
            connection.environment, connection.custom_base_url = "production", ""
        elif base == SANDBOX_BASE_URL:
            connection.environment, connection.custom_base_url = "sandbox", ""
        else:
            connection.environment, connection.custom_base_url = "custom", base
        connection.api_user = api_user
        connection = connection_save(
            connection=connection, api_password=_secret(api_key_env, "Billogram API password")
        )
        connection_activate(connection=connection)
        self.stdout.write(
            f"Connection {label!r} ({connection.base_url}) is active for {username!r}."
        )
