from django.contrib.auth.mixins import PermissionRequiredMixin
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from audit.filters import AuditFilter
from audit.models import AuditEntry
from audit.tables import AuditTable


class AuditLogView(PermissionRequiredMixin, SingleTableMixin, FilterView):
    """The audit trail, for staff allowed to read it (audit.view_auditentry)."""

    permission_required = "audit.view_auditentry"
    raise_exception = True
    model = AuditEntry
    table_class = AuditTable
    filterset_class = AuditFilter
    paginate_by = 50
    template_name = "audit/list.html"
