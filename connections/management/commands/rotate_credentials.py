from django.core.management.base import BaseCommand, CommandError

from connections import crypto
from connections.models import BillogramConnection


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored Billogram API password under the first key in "
        "BILLODASH_CREDENTIAL_KEYS, so older keys can then be removed."
    )

    def handle(self, *args, **options):
        rotated, unreadable = 0, []
        for connection in BillogramConnection.objects.only(
            "pk", "api_password_encrypted"
        ).iterator():
            try:
                token = crypto.rotate(connection.api_password_encrypted)
            except crypto.CredentialUnreadable:
                unreadable.append(connection.pk)
                continue
            # The password itself is unchanged, so the cache version stays as it is.
            BillogramConnection.objects.filter(pk=connection.pk).update(
                api_password_encrypted=token
            )
            rotated += 1
        self.stdout.write(f"Re-encrypted {rotated} connection(s) under the first key.")
        if unreadable:
            raise CommandError(
                f"{len(unreadable)} connection(s) could not be decrypted with any key "
                f"(ids {', '.join(map(str, unreadable))}); their owners must re-enter the password."
            )
