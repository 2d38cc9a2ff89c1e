from urllib.parse import urlsplit

from django import forms

from connections.models import BillogramConnection


class ConnectionForm(forms.ModelForm):
    """Add or edit a connection. The API password is write-only: never rendered back."""

    custom_base_url = forms.URLField(
        label="Custom base URL",
        required=False,
        assume_scheme="https",
        help_text="Only for a custom environment, e.g. http://127.0.0.1:8000/sandbox/api/v2",
    )
    api_password = forms.CharField(
        label="API password",
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = BillogramConnection
        fields = ["label", "environment", "custom_base_url", "api_user"]

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner = owner
        if self.instance.pk:
            self.fields["api_password"].help_text = "Leave empty to keep the stored password."
        else:
            self.fields["api_password"].required = True

    def clean_label(self):
        label = self.cleaned_data["label"].strip()
        taken = BillogramConnection.objects.filter(owner=self.owner, label=label)
        if taken.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("You already have a connection with this label.")
        return label

    def clean_custom_base_url(self):
        url = self.cleaned_data.get("custom_base_url", "").strip()
        if url:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https"):
                raise forms.ValidationError("Use an http:// or https:// address.")
            if parts.username or parts.password:
                raise forms.ValidationError(
                    "Put credentials in the API fields, not in the address."
                )
        return url

    def clean(self):
        cleaned = super().clean()
        custom = cleaned.get("environment") == BillogramConnection.Environment.CUSTOM
        if custom and not cleaned.get("custom_base_url"):
            self.add_error("custom_base_url", "A custom environment needs its base URL.")
        if not custom:
            cleaned["custom_base_url"] = ""
        return cleaned
