"""The whole audit log for the platform's superusers: read only (the model refuses changes,
and so does the database)."""

from django.contrib import admin

from accounts.admin import ReadOnlyAdminMixin
from audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["at", "actor_label", "action", "object_type", "object_label", "ip"]
    list_filter = ["action"]
    search_fields = ["actor_label", "object_label", "object_id", "ip"]
    date_hierarchy = "at"

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser
