import django_tables2 as tables

from audit.models import AuditEntry


class AuditTable(tables.Table):
    created_at = tables.DateTimeColumn(format="Y-m-d H:i:s", verbose_name="When")
    username = tables.Column(verbose_name="User")
    action = tables.Column()
    outcome = tables.Column()
    details = tables.JSONColumn(orderable=False)
    request_id = tables.Column(verbose_name="Request id", orderable=False)

    class Meta:
        model = AuditEntry
        fields = ["created_at", "username", "action", "outcome", "details", "request_id"]
        template_name = "django_tables2/table.html"
        attrs = {"class": "plain-table"}
