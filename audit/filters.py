import django_filters
from django import forms
from django.contrib.auth import get_user_model

from audit.models import AuditEntry


class AuditFilter(django_filters.FilterSet):
    user = django_filters.ModelChoiceFilter(
        queryset=get_user_model().objects.order_by("username"), label="User"
    )
    action = django_filters.ChoiceFilter(choices=AuditEntry.Action.choices, label="Action")
    since = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__gte", label="From",
        widget=forms.DateInput(attrs={"type": "date"}),
    )  # fmt: skip
    until = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__lte", label="To",
        widget=forms.DateInput(attrs={"type": "date"}),
    )  # fmt: skip

    class Meta:
        model = AuditEntry
        fields = ["user", "action", "since", "until"]
