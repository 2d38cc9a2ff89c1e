from django.contrib import admin

from sandbox.models import SandboxAccount, SandboxApiUser, SandboxCustomer


class ApiUserInline(admin.TabularInline):
    model = SandboxApiUser
    fields = ["api_user"]
    readonly_fields = ["api_user"]
    extra = 0
    can_delete = False


@admin.register(SandboxAccount)
class SandboxAccountAdmin(admin.ModelAdmin):
    list_display = ["name", "latency_ms", "jitter_ms", "fault", "fault_rate"]
    inlines = [ApiUserInline]


@admin.register(SandboxCustomer)
class SandboxCustomerAdmin(admin.ModelAdmin):
    """The sandbox's customers in Django's admin, 100 per page in customer-number order."""

    list_display = [
        "customer_no", "name", "org_no", "company_type", "contact_name", "contact_email",
        "contact_phone", "address_city", "address_country", "created_at",
    ]  # fmt: skip
    list_filter = ["account__name"]
    list_per_page = 100
    ordering = ["customer_no"]
