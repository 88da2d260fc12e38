from django.contrib import admin

from accounts.admin import AssociationScopedAdmin, AssociationScopedInline
from endorsement.models import Application, ApplicationEvent


class ApplicationEventInline(AssociationScopedInline, admin.TabularInline):
    """The history, shown to whoever may see the application; never edited."""

    model = ApplicationEvent
    extra = 0
    can_delete = False
    fields = ["at", "actor", "from_state", "to_state", "note", "note_is_public"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(AssociationScopedAdmin):
    """Read-mostly: the state changes only through the workflow's service, never here."""

    list_display = ["applicant", "category", "association", "state", "state_changed"]
    list_filter = ["state", ("association", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["applicant__email", "applicant__full_name"]
    list_select_related = ["applicant", "category", "association"]
    readonly_fields = [
        "association",
        "applicant",
        "category",
        "registration_education",
        "registration_work_years",
        "registration_rsc_hours",
        "registration_note",
        "state",
        "state_changed",
        "submitted_at",
        "created",
    ]
    inlines = [ApplicationEventInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser
