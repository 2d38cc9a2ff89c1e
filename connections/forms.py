from urllib.parse import urlsplit

from django import forms

from connections.models import BillogramConnection


def _password_field(help_text: str = "") -> forms.CharField:
    """The API password: write-only, never rendered back into a page."""
    return forms.CharField(
        label="API password",
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=help_text,
    )


class BaseConnectionForm(forms.ModelForm):
    """The rules every way of saving a connection follows (settings page and admin)."""

    custom_base_url = forms.URLField(
        label="Custom base URL",
        required=False,
        assume_scheme="https",
        help_text="Only for a custom environment, e.g. http://127.0.0.1:8000/sandbox/api/v2",
    )
    api_password = _password_field()
    label_taken_message = "This user already has a connection with this label."

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["api_password"].help_text = "Leave empty to keep the stored password."

    def owner(self):
        return self.instance.owner if self.instance.owner_id else None

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
        if not self.instance.pk and not cleaned.get("api_password"):
            self.add_error("api_password", "A new connection needs its API password.")
        label, owner = (cleaned.get("label") or "").strip(), self.owner()
        if label and owner is not None:
            taken = BillogramConnection.objects.filter(owner=owner, label=label)
            if taken.exclude(pk=self.instance.pk).exists():
                self.add_error("label", self.label_taken_message)
        cleaned["label"] = label
        return cleaned


class ConnectionForm(BaseConnectionForm):
    """A staff member's own connection on the settings page."""

    label_taken_message = "You already have a connection with this label."

    class Meta:
        model = BillogramConnection
        fields = ["label", "environment", "custom_base_url", "api_user"]

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self._owner = owner
        self.fields["api_password"].required = not self.instance.pk

    def owner(self):
        return self._owner
