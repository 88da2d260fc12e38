from django.contrib import admin

from accounts.admin import AssociationScopedAdmin
from competencies.models import (
    Competency,
    CompetencyArea,
    EndorsementCategory,
    Framework,
    Requirement,
)


class LockedFrameworkMixin:
    """A version that an application was submitted under is read-only."""

    framework_path = "framework"

    def _framework_of(self, obj):
        target = obj
        for part in self.framework_path.split("__"):
            target = getattr(target, part)
        return target

    def has_change_permission(self, request, obj=None):
        if obj is not None and self._framework_of(obj).is_locked:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and self._framework_of(obj).is_locked:
            return False
        return super().has_delete_permission(request, obj)


class RequirementInline(admin.StackedInline):
    model = Requirement
    extra = 0


class CompetencyAreaInline(admin.TabularInline):
    model = CompetencyArea
    extra = 0


@admin.register(Framework)
class FrameworkAdmin(LockedFrameworkMixin, AssociationScopedAdmin):
    framework_path = "pk"
    list_display = [
        "__str__",
        "name",
        "effective_from",
        "effective_until",
        "is_published",
        "locked_at",
    ]
    list_filter = ["association", "is_published"]
    inlines = [CompetencyAreaInline]

    def _framework_of(self, obj):
        return obj


@admin.register(EndorsementCategory)
class EndorsementCategoryAdmin(LockedFrameworkMixin, AssociationScopedAdmin):
    association_path = "framework__association"
    list_display = ["code", "name", "family", "track", "framework", "is_open"]
    list_filter = ["framework__association", "framework", "family"]
    search_fields = ["code", "name"]
    list_select_related = ["framework__association"]
    inlines = [RequirementInline]


@admin.register(CompetencyArea)
class CompetencyAreaAdmin(LockedFrameworkMixin, AssociationScopedAdmin):
    association_path = "framework__association"
    list_display = ["name", "order", "mentors_only", "framework"]
    list_filter = ["framework__association", "framework"]
    list_select_related = ["framework__association"]


@admin.register(Competency)
class CompetencyAdmin(LockedFrameworkMixin, AssociationScopedAdmin):
    association_path = "area__framework__association"
    framework_path = "area__framework"
    list_display = ["name", "area", "order"]
    list_filter = ["area__framework__association", "area__framework", "area"]
    search_fields = ["name"]
    list_select_related = ["area__framework__association"]
    filter_horizontal = ["categories"]
