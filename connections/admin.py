from django import forms
from django.contrib import admin
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters

from connections.models import BillogramConnection
from connections.services import connection_save


class ConnectionAdminForm(forms.ModelForm):
    custom_base_url = forms.URLField(label="Custom base URL", required=False, assume_scheme="https")
    api_password = forms.CharField(
        label="API password",
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Write-only. Leave empty to keep the stored password.",
    )

    class Meta:
        model = BillogramConnection
        fields = ["owner", "label", "environment", "custom_base_url", "api_user"]

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk and not cleaned.get("api_password"):
            self.add_error("api_password", "A new connection needs its API password.")
        return cleaned


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
        connection_save(connection=obj, api_password=form.cleaned_data.get("api_password"))
