"""Admin for the framework. A locked version (an application was submitted under it) and
everything under it is read-only for everybody, superusers included; changes go into a new
version made with the "Create a new version from this one" action.
"""

import datetime

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from accounts.admin import AssociationScopedAdmin, administered_ids
from competencies.models import (
    Competency,
    CompetencyArea,
    EndorsementCategory,
    Framework,
    Requirement,
)
from competencies.services import framework_clone


class LockedFrameworkMixin:
    """A version that an application was submitted under is read-only, with all its parts.

    ``framework_path`` is the lookup from the model to its Framework.
    """

    framework_path = "framework"
    change_form_template = "admin/competencies/locked_change_form.html"

    def _framework_of(self, obj) -> Framework:
        target = obj
        for part in self.framework_path.split("__"):
            target = getattr(target, part)
        return target

    def _is_locked(self, obj) -> bool:
        return obj is not None and self._framework_of(obj).is_locked

    def has_change_permission(self, request, obj=None):
        if self._is_locked(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if self._is_locked(obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and self.framework_path != "pk":
            # A part stays in the version it was made in.
            fields.append(self.framework_path.split("__")[0])
        return fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and db_field.related_model is Framework:
            field.queryset = field.queryset.filter(locked_at__isnull=True)
        return field

    def save_model(self, request, obj, form, change):
        if self._is_locked(obj):
            raise PermissionDenied
        super().save_model(request, obj, form, change)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["locked_framework"] = self._framework_of(obj) if self._is_locked(obj) else None
        return super().render_change_form(request, context, add, change, form_url, obj)


class FrameworkPartInline:
    """An inline's rights are those of the object it sits in.

    So the association scoping applies, and under a locked version nothing can be added,
    changed or deleted.
    """

    def _parent_admin(self):
        return self.admin_site.get_model_admin(self.parent_model)

    def has_view_permission(self, request, obj=None):
        return self._parent_admin().has_view_permission(request, obj)

    def _can_edit(self, request, obj) -> bool:
        parent = self._parent_admin()
        if obj is None:
            return parent.has_add_permission(request)
        if parent._is_locked(obj):
            return False
        return parent.has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._can_edit(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._can_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._can_edit(request, obj)


class RequirementInline(FrameworkPartInline, admin.StackedInline):
    model = Requirement
    extra = 0
    readonly_fields = ["reads_as"]
    fieldsets = [
        (None, {"fields": ["kind", "order", "is_optional", "reads_as", "note"]}),
        (_("Education and work"), {"fields": ["education_levels", "min_years", "work_kind"]}),
        (
            _("Hours"),
            {"fields": ["min_hours", "topic", "window_min_months", "window_max_months"]},
        ),
        (_("Reference"), {"fields": ["reference_kind"]}),
        (
            _("Exam"),
            {
                "fields": [
                    "exam_part",
                    "exam_kind",
                    "questions",
                    "minutes",
                    "choose",
                    "graders",
                    "pass_percent",
                    "retake_wait_months",
                    "max_attempts",
                ]
            },
        ),
    ]

    @admin.display(description=_("reads as"))
    def reads_as(self, obj):
        return obj.describe() if obj.pk else "—"


class CompetencyAreaInline(FrameworkPartInline, admin.TabularInline):
    model = CompetencyArea
    extra = 0
    show_change_link = True
    fields = ["code", "name", "order", "mentors_only"]


class CompetencyInline(FrameworkPartInline, admin.TabularInline):
    model = Competency
    extra = 0
    show_change_link = True
    fields = ["name", "order"]


class FrameworkCloneForm(forms.Form):
    version = forms.CharField(
        label=_("Name of the new version"), max_length=40, help_text=_("For example 2026.")
    )
    effective_from = forms.DateField(
        label=_("In force from"),
        help_text=_("The new version is a draft: it is used only once you publish it."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )


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
    list_select_related = ["association"]
    readonly_fields = ["locked_at"]
    inlines = [CompetencyAreaInline]
    actions = ["create_version"]

    def _framework_of(self, obj):
        return obj

    @admin.action(description=_("Create a new version from this one"), permissions=["add"])
    def create_version(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(
                request, _("Choose exactly one version to copy."), level=messages.WARNING
            )
            return None
        source = queryset.select_related("association").get()
        next_year = timezone.localdate().year + 1
        form = FrameworkCloneForm(
            request.POST if "apply" in request.POST else None,
            initial={"version": str(next_year), "effective_from": datetime.date(next_year, 1, 1)},
        )
        if form.is_valid():
            try:
                clone = framework_clone(framework=source, **form.cleaned_data)
            except ValidationError as error:
                form.add_error("version", error)
            else:
                self.message_user(
                    request,
                    _(
                        "Version %(version)s was created as a draft copy of %(source)s. Edit it, "
                        "then tick “published” to use it."
                    )
                    % {"version": clone.version, "source": source.version},
                    level=messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:competencies_framework_change", args=[clone.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Create a new version from %(source)s") % {"source": source},
            "opts": self.model._meta,
            "source": source,
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(
            request, "admin/competencies/framework/create_version.html", context
        )


def _other_languages() -> list[tuple[str, str]]:
    """The site's languages besides the one ``name`` is written in."""
    return [(code, label) for code, label in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


class EndorsementCategoryAdminForm(forms.ModelForm):
    """``names`` ({language: name}) edited as one plain field per language."""

    class Meta:
        model = EndorsementCategory
        fields = [
            "framework",
            "code",
            "name",
            "family",
            "track",
            "summary",
            "is_add_on",
            "is_mentor",
            "order",
            "is_open",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, _label in _other_languages():
            if f"name_{code}" in self.fields:
                self.fields[f"name_{code}"].initial = self.instance.names.get(code, "")

    def save(self, commit=True):
        names = dict(self.instance.names)
        for code, _label in _other_languages():
            if f"name_{code}" in self.cleaned_data:
                names[code] = self.cleaned_data[f"name_{code}"].strip()
        self.instance.names = {code: name for code, name in names.items() if name}
        return super().save(commit)


for _code, _label in _other_languages():
    EndorsementCategoryAdminForm.declared_fields[f"name_{_code}"] = forms.CharField(
        label=lazy(lambda label=_label: _("Name in %(language)s") % {"language": label}, str)(),
        max_length=200,
        required=False,
        help_text=_("Shown on pages and in e-mails in that language. Empty: the name above."),
    )
EndorsementCategoryAdminForm.base_fields.update(EndorsementCategoryAdminForm.declared_fields)


@admin.register(EndorsementCategory)
class EndorsementCategoryAdmin(LockedFrameworkMixin, AssociationScopedAdmin):
    """Under a locked version only the names in other languages can be changed: a translation
    changes no rule an application is judged by."""

    form = EndorsementCategoryAdminForm
    association_path = "framework__association"
    list_display = ["code", "name", "family", "track", "framework", "is_open"]
    list_filter = ["framework__association", "framework", "family"]
    search_fields = ["code", "name"]
    list_select_related = ["framework__association"]
    inlines = [RequirementInline]

    def has_change_permission(self, request, obj=None):
        return AssociationScopedAdmin.has_change_permission(self, request, obj)

    def get_readonly_fields(self, request, obj=None):
        if self._is_locked(obj):
            return [
                field.name
                for field in EndorsementCategory._meta.concrete_fields
                if field.editable and not field.primary_key and field.name != "names"
            ]
        return super().get_readonly_fields(request, obj)

    def get_fields(self, request, obj=None):
        """The names in other languages right after the name."""
        fields = list(super().get_fields(request, obj))
        names = [field for field in fields if field.startswith("name_")]
        rest = [field for field in fields if field not in names]
        at = rest.index("name") + 1 if "name" in rest else 0
        return [*rest[:at], *names, *rest[at:]]

    def save_model(self, request, obj, form, change):
        if self._is_locked(obj):
            obj.save(update_fields=["names"])
            return
        super().save_model(request, obj, form, change)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["names_editable"] = self._is_locked(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)


@admin.register(CompetencyArea)
class CompetencyAreaAdmin(LockedFrameworkMixin, AssociationScopedAdmin):
    association_path = "framework__association"
    list_display = ["name", "order", "mentors_only", "framework"]
    list_filter = ["framework__association", "framework"]
    list_select_related = ["framework__association"]
    inlines = [CompetencyInline]


class CompetencyAdminForm(forms.ModelForm):
    class Meta:
        model = Competency
        fields = ["area", "name", "order", "categories"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        categories = self.fields.get("categories")
        if categories is not None:
            categories.label_from_instance = lambda c: f"{c.framework} · {c.code} – {c.name}"
            if self.instance.pk:
                categories.queryset = categories.queryset.filter(
                    framework_id=self.instance.area.framework_id
                )

    def clean(self):
        cleaned = super().clean()
        area = cleaned.get("area") or (self.instance.area if self.instance.pk else None)
        categories = cleaned.get("categories") or []
        if area is not None and any(c.framework_id != area.framework_id for c in categories):
            raise ValidationError(
                _("Choose categories of the same version as the competency area.")
            )
        return cleaned


@admin.register(Competency)
class CompetencyAdmin(LockedFrameworkMixin, AssociationScopedAdmin):
    form = CompetencyAdminForm
    association_path = "area__framework__association"
    framework_path = "area__framework"
    list_display = ["name", "area", "order"]
    list_filter = ["area__framework__association", "area__framework", "area"]
    search_fields = ["name"]
    list_select_related = ["area__framework__association"]
    filter_horizontal = ["categories"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "area":
            kwargs["queryset"] = _unlocked_in_scope(CompetencyArea, request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "categories":
            kwargs["queryset"] = _unlocked_in_scope(EndorsementCategory, request)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


def _unlocked_in_scope(model, request):
    """Rows of a framework part (areas, categories) that may still be edited by this user."""
    queryset = model.objects.filter(framework__locked_at__isnull=True).select_related(
        "framework__association"
    )
    if not request.user.is_superuser:
        queryset = queryset.filter(framework__association__in=administered_ids(request))
    return queryset
