import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from billodash.env import local_secret
from connections.models import BillogramConnection
from connections.services import connection_activate, connection_save
from sandbox.seeding import seed_account

DEMO_USERNAME = "demo"
DEMO_ACCOUNT = "demo"
DEMO_API_USER = "demo-api"
DEMO_LABEL = "Built-in sandbox"


class Command(BaseCommand):
    help = "Seed the sandbox and create the demo staff login connected to it (safe to re-run)."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=5000)
        parser.add_argument("--url", default="http://127.0.0.1:8000/", help="Printed for the user.")

    @transaction.atomic
    def handle(self, *args, customers, url, **options):
        # A fresh sandbox key each run; only the encrypted connection below ever holds it.
        api_key = secrets.token_urlsafe(24)
        seed_account(
            account_name=DEMO_ACCOUNT, customers=customers, api_user=DEMO_API_USER, api_key=api_key
        )
        password = local_secret(
            settings.VAR_DIR / "demo-password", lambda: secrets.token_urlsafe(12)
        )
        user, _ = get_user_model().objects.get_or_create(username=DEMO_USERNAME)
        user.is_staff = True
        user.set_password(password)
        user.save()

        connection = BillogramConnection.objects.filter(owner=user, label=DEMO_LABEL).first()
        connection = connection or BillogramConnection(owner=user, label=DEMO_LABEL)
        connection.environment = BillogramConnection.Environment.CUSTOM
        connection.custom_base_url = settings.SANDBOX_BASE_URL
        connection.api_user = DEMO_API_USER
        connection_activate(connection=connection_save(connection=connection, api_password=api_key))

        self.stdout.write(
            f"\nbillodash is ready at {url}\n"
            f"  demo login: {DEMO_USERNAME} / {password}\n"
            f"  sandbox: {customers:,} customers, connected as {DEMO_API_USER}\n"
        )
