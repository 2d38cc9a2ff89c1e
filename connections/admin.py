from django.contrib import admin
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters

from connections.forms import BaseConnectionForm
from connections.models import BillogramConnection
from connections.services import connection_save


class ConnectionAdminForm(BaseConnectionForm):
    class Meta:
        model = BillogramConnection
        fields = ["owner", "label", "environment", "custom_base_url", "api_user"]

    def owner(self):
        return self.cleaned_data.get("owner")


@admin.register(BillogramConnection)
class BillogramConnectionAdmin(admin.ModelAdmin):
    form = ConnectionAdminForm
    list_display = ["label", "owner", "environment", "api_user", "is_active", "updated_at"]
    list_filter = ["environment", "is_active"]
    search_fields = ["label", "owner__username", "api_user"]

    @method_decorator(sensitive_post_parameters("api_password"))
    def changeform_view(self, request, *args, **kwargs):
        return super().changeform_view(request, *args, **kwargs)

    def save_model(self, request, obj, form, change):
        connection_save(
            connection=obj, api_password=form.cleaned_data.get("api_password"), actor=request.user
        )
