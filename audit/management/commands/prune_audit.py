from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from audit.models import AuditEntry


class Command(BaseCommand):
    help = "Delete audit entries older than the retention (BILLODASH_AUDIT_RETENTION_DAYS)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, help="Override the retention in days.")

    def handle(self, *args, days, **options):
        days = settings.BILLODASH_AUDIT_RETENTION_DAYS if days is None else days
        if days < 1:
            raise CommandError("The retention must be at least one day.")
        cutoff = timezone.now() - timedelta(days=days)
        deleted, _ = AuditEntry.objects.filter(created_at__lt=cutoff).delete()
        self.stdout.write(
            f"Deleted {deleted} audit entr{'y' if deleted == 1 else 'ies'} older than {days} days."
        )
