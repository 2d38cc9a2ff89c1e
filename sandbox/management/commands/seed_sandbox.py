from django.core.management.base import BaseCommand, CommandError

from sandbox.seeding import seed_account


class Command(BaseCommand):
    help = "Create or replace one sandbox account's customers, deterministically."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, required=True, help="How many customers.")
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same customers.")
        parser.add_argument("--account", default="demo", help="Sandbox account name.")
        parser.add_argument("--api-user", help="API user id that reads this account.")
        parser.add_argument("--api-key", help="That API user's key (a sandbox-only secret).")

    def handle(self, *args, customers, seed, account, api_user, api_key, **options):
        if customers < 0:
            raise CommandError("--customers must be 0 or more")
        if bool(api_user) != bool(api_key):
            raise CommandError("--api-user and --api-key go together")
        seed_account(
            account_name=account, customers=customers, seed=seed, api_user=api_user, api_key=api_key
        )
        self.stdout.write(f"Sandbox account {account!r}: {customers:,} customers (seed {seed}).")
