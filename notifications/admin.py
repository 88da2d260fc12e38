from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from notifications.models import OutboxMessage, Reminder


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """The platform's view of every association's outbox (read only: the coordinators resend
    from their outbox page)."""

    list_display = ["created", "association", "recipient", "subject", "key", "state", "attempts"]
    list_filter = ["state", "association"]
    search_fields = ["recipient", "subject", "key"]
    list_select_related = ["association"]
    date_hierarchy = "created"
    # The text as the outbox page shows it: a personal link (a password reset, a rater's) stays
    # its reader's, even for the platform's staff.
    exclude = ["text_body", "html_body", "text_shown"]
    readonly_fields = ["text_as_shown"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description=_("text"))
    def text_as_shown(self, obj):
        return obj.shown_text

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_module_permission(self, request):
        return request.user.is_superuser


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    """The platform's view of the reminders sent (read only; the associations set their day
    counts on their reminders page)."""

    list_display = ["created", "association", "kind", "due", "days", "concerns_type", "concerns_id"]
    list_filter = ["kind", "association"]
    list_select_related = ["association", "concerns_type"]
    date_hierarchy = "created"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_module_permission(self, request):
        return request.user.is_superuser
