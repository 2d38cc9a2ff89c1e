from django.contrib import admin

from sandbox.models import SandboxAccount, SandboxApiUser


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
