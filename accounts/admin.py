"""Admin for accounts; ``AssociationScopedAdmin`` confines association admins to their own data."""

import operator

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import NotRelationField, get_fields_from_path
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models
from django.db.models import Q
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from accounts.enums import StaffChangeAction
from accounts.models import (
    Association,
    Membership,
    RoleGrant,
    StaffChange,
    StaffInvitation,
    User,
    membership_end,
)
from accounts.people import staff_change_record
from accounts.selectors import associations_administered
from accounts.services import member_number_allocate, role_grant, role_revoke


def admin_login(request, extra_context=None):
    """The admin site's own password form would skip the second factor: use the portal's log-in."""
    next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("admin:index")
    if request.user.is_authenticated:
        if admin.site.has_permission(request):
            return redirect(next_url)
        raise PermissionDenied(_("Your account has no access to the admin site."))
    return redirect_to_login(next_url, login_url=reverse("account_login"))


admin.site.login = admin_login


def administered_ids(request) -> set[int]:
    cached = getattr(request, "_administered_ids", None)
    if cached is None:
        cached = set(associations_administered(user=request.user).values_list("id", flat=True))
        request._administered_ids = cached
    return cached


def association_lookup(model, depth: int = 3) -> str | None:
    """The shortest lookup from ``model`` to its Association along foreign keys, e.g.
    ``"area__framework__association"``; ``None`` for models that belong to no association."""
    if model is Association:
        return "pk"
    paths = [("", model)]
    for _step in range(depth):
        next_paths = []
        for prefix, current in paths:
            for field in current._meta.get_fields():
                if not (field.many_to_one and field.concrete):
                    continue
                path = f"{prefix}{field.name}"
                if field.related_model is Association:
                    return path
                next_paths.append((f"{path}__", field.related_model))
        paths = next_paths
    return None


def _scoped_choices(request, related_model, kwargs):
    """Limit a relation's choices to the association admin's own associations."""
    if request.user.is_superuser:
        return
    lookup = association_lookup(related_model)
    if lookup is not None:
        queryset = kwargs.get("queryset", related_model._default_manager.all())
        kwargs["queryset"] = queryset.filter(**{f"{lookup}__in": administered_ids(request)})


class ScopedChoicesMixin:
    """Foreign-key and many-to-many choices limited to the user's associations."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        _scoped_choices(request, db_field.related_model, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        _scoped_choices(request, db_field.related_model, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ScopedRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """A change list's filter by a relation whose choices, for an association admin, are only
    rows of their associations: Django's own lists every row of the related model (another
    association's name, its frameworks)."""

    def field_choices(self, field, request, model_admin):
        lookup = association_lookup(field.related_model)
        if request.user.is_superuser or lookup is None:
            return super().field_choices(field, request, model_admin)
        queryset = field.related_model._default_manager.complex_filter(
            field.get_limit_choices_to()
        ).filter(**{f"{lookup}__in": administered_ids(request)})
        ordering = self.field_admin_ordering(field, request, model_admin)
        if ordering:
            queryset = queryset.order_by(*ordering)
        value = operator.attrgetter(field.remote_field.get_related_field().attname)
        return [(value(row), str(row)) for row in queryset]


def scoped_list_filter(model, entry):
    """``entry`` of a ``list_filter``, with a plain relation (``"association"``,
    ``"framework__association"``) filtered through ``ScopedRelatedFieldListFilter``; other
    entries (fields, ``RelatedOnlyFieldListFilter``, which already reads the scoped
    queryset) as they are."""
    if not isinstance(entry, str):
        return entry
    try:
        field = get_fields_from_path(model, entry)[-1]
    except (FieldDoesNotExist, NotRelationField):
        return entry
    if getattr(field, "concrete", False) and field.is_relation and not field.auto_created:
        return (entry, ScopedRelatedFieldListFilter)
    return entry


class AssociationScopedAdmin(ScopedChoicesMixin, admin.ModelAdmin):
    """Superusers see everything; an association admin sees and edits only their associations.

    ``association_path`` is the lookup from the model to its Association. Choices of every
    relation to association-owned rows are limited the same way, in forms and in the change
    list's filters.
    """

    association_path = "association"

    def get_list_filter(self, request):
        return [scoped_list_filter(self.model, entry) for entry in super().get_list_filter(request)]

    def _association_of(self, obj):
        target = obj
        for part in self.association_path.split("__"):
            target = getattr(target, part)
        return target

    def _allowed(self, request, obj=None) -> bool:
        if request.user.is_superuser:
            return True
        ids = administered_ids(request)
        if not ids:
            return False
        return obj is None or self._association_of(obj).pk in ids

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.association_path}__in": administered_ids(request)})

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_add_permission(self, request):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def save_model(self, request, obj, form, change):
        if not self._allowed(request, obj):
            raise PermissionDenied
        super().save_model(request, obj, form, change)


class AssociationScopedInline(ScopedChoicesMixin):
    """For inlines of an ``AssociationScopedAdmin``: the parent admin has already confined the
    object to the user's associations, so association admins get the inline's permissions
    without Django model permissions. Mix in before ``admin.TabularInline``/``StackedInline``."""

    def _allowed(self, request) -> bool:
        return request.user.is_superuser or bool(administered_ids(request))

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request, obj):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request)


class ReadOnlyAdminMixin:
    """Shown, never added, changed or deleted in the admin (records the workflow writes). Mix in
    before the admin or inline class."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class UserByEmailForm(forms.ModelForm):
    """Pick a person by typing their e-mail: association admins never browse all users."""

    user_email = forms.EmailField(
        label=_("Person's e-mail"), help_text=_("They must have signed up already.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["user_email"].initial = self.instance.user.email

    def clean_user_email(self):
        email = self.cleaned_data["user_email"].lower()
        try:
            self.instance.user = User.objects.get(email__iexact=email)
        except User.DoesNotExist:
            raise forms.ValidationError(
                _("No account uses this e-mail. Ask the person to sign up first.")
            ) from None
        return email


class MembershipForm(UserByEmailForm):
    """The admin enters the day the person joined or paid; the end follows the calendar-year
    rule (``membership_period``) and is shown, never typed."""

    class Meta:
        model = Membership
        fields = ["association", "user_email", "member_number", "status", "start"]
        labels = {"start": _("Joined or paid on")}
        help_texts = {
            "member_number": _("Leave it empty to give the association's next member number."),
            "start": _(
                "The membership runs to 31 December of this year, or of the next year when "
                "joined on or after 1 October."
            ),
        }

    def clean(self):
        cleaned_data = super().clean()
        start, association = cleaned_data.get("start"), cleaned_data.get("association")
        if start is not None:
            today = association.today() if association else timezone.localdate()
            if start > today:
                self.add_error("start", _("The day joined or paid cannot be in the future."))
            else:
                self.instance.end = membership_end(start)
        return cleaned_data


class RoleGrantForm(UserByEmailForm):
    class Meta:
        model = RoleGrant
        fields = ["association", "user_email", "role"]

    def clean(self):
        cleaned_data = super().clean()
        association, role = cleaned_data.get("association"), cleaned_data.get("role")
        if association and role and "user_email" in cleaned_data:
            duplicate = RoleGrant.objects.filter(
                association=association, user=self.instance.user, role=role
            ).exclude(pk=self.instance.pk)
            if duplicate.exists():
                raise forms.ValidationError(
                    _("This person already holds this role in this association.")
                )
        return cleaned_data


@admin.register(Association)
class AssociationAdmin(AssociationScopedAdmin):
    association_path = "pk"
    list_display = ["name", "slug", "contact_email", "is_active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def _association_of(self, obj):
        return obj

    def get_queryset(self, request):
        queryset = admin.ModelAdmin.get_queryset(self, request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(pk__in=administered_ids(request))

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_readonly_fields(self, request, obj=None):
        return [] if request.user.is_superuser else ["slug"]

    def get_prepopulated_fields(self, request, obj=None):
        # A read-only slug cannot be prepopulated (the change page would fail).
        return self.prepopulated_fields if request.user.is_superuser else {}


@admin.register(Membership)
class MembershipAdmin(AssociationScopedAdmin):
    form = MembershipForm
    list_display = ["user", "association", "member_number", "status", "start", "end"]
    list_filter = ["status", ("association", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user__email", "user__full_name", "member_number"]
    list_select_related = ["user", "association"]
    date_hierarchy = "end"
    readonly_fields = ["end"]

    def save_model(self, request, obj, form, change):
        """A membership recorded without a member number gets the association's next one, as
        one recorded online does (``member_number_allocate``)."""
        if not change and not obj.member_number.strip():
            obj.member_number = member_number_allocate(association=obj.association)
        super().save_model(request, obj, form, change)


@admin.register(RoleGrant)
class RoleGrantAdmin(AssociationScopedAdmin):
    form = RoleGrantForm
    list_display = ["user", "role", "association", "created"]
    list_filter = ["role", ("association", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user__email", "user__full_name"]
    list_select_related = ["user", "association"]

    def save_model(self, request, obj, form, change):
        """Grants change only through the services, which keep admin-site access in step."""
        if not self._allowed(request, obj):
            raise PermissionDenied
        if change:
            before = RoleGrant.objects.select_related("association", "user").get(pk=obj.pk)
            if (before.association_id, before.user_id, before.role) == (
                obj.association_id,
                obj.user_id,
                obj.role,
            ):
                return
            self.delete_model(request, before)
        grant = role_grant(
            association=obj.association, user=obj.user, role=obj.role, by=request.user
        )
        obj.pk, obj.granted_by, obj.created = grant.pk, grant.granted_by, grant.created
        # The association's staff log (People) records the grants made here too.
        staff_change_record(
            association=obj.association,
            by=request.user,
            action=StaffChangeAction.ROLES_ADDED,
            email=obj.user.email,
            user=obj.user,
            roles=[obj.role],
        )

    def delete_model(self, request, obj):
        role_revoke(association=obj.association, user=obj.user, role=obj.role)
        staff_change_record(
            association=obj.association,
            by=request.user,
            action=StaffChangeAction.ROLES_REMOVED,
            email=obj.user.email,
            user=obj.user,
            roles=[obj.role],
        )

    def delete_queryset(self, request, queryset):
        for grant in queryset.select_related("association", "user"):
            self.delete_model(request, grant)


@admin.register(StaffInvitation)
class StaffInvitationAdmin(ReadOnlyAdminMixin, AssociationScopedAdmin):
    """Invitations are sent, sent again and cancelled on the People page (``accounts.people``),
    which makes the link and writes the log; here they are only read."""

    list_display = [
        "email",
        "full_name",
        "association",
        "roles",
        "sent_at",
        "expires",
        "accepted_at",
        "cancelled_at",
    ]
    list_filter = [("association", admin.RelatedOnlyFieldListFilter), "language"]
    search_fields = ["email", "full_name"]
    list_select_related = ["association"]
    exclude = ["token_hash"]
    date_hierarchy = "created"


@admin.register(StaffChange)
class StaffChangeAdmin(ReadOnlyAdminMixin, AssociationScopedAdmin):
    """The append-only log of staff changes: read, never added, changed or deleted."""

    list_display = ["at", "association", "actor", "action", "email", "roles"]
    list_filter = ["action", ("association", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["email", "user__email", "user__full_name", "actor__email"]
    list_select_related = ["association", "actor"]
    date_hierarchy = "at"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Superusers manage every account; association admins see the people of their association."""

    ordering = ["email"]
    list_display = ["email", "full_name", "preferred_language", "is_active", "date_joined"]
    list_filter = ["is_active", "is_staff", "preferred_language"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal"), {"fields": ["full_name", "preferred_language"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})
    ]
    limited_fieldsets = [
        (None, {"fields": ["email", "full_name", "preferred_language", "is_active"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        if request.user.is_superuser or obj is None:
            return super().get_fieldsets(request, obj)
        return self.limited_fieldsets

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return ["last_login", "date_joined"]
        return ["email", "is_active"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        ids = administered_ids(request)
        return queryset.filter(
            Q(memberships__association__in=ids)
            | Q(role_grants__association__in=ids)
            | Q(applications__association__in=ids)
        ).distinct()

    def _is_association_admin(self, request) -> bool:
        return bool(administered_ids(request))

    def has_module_permission(self, request):
        return request.user.is_superuser or self._is_association_admin(request)

    def has_view_permission(self, request, obj=None):
        if request.user.is_superuser:
            return True
        if not self._is_association_admin(request):
            return False
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return self.has_view_permission(request, obj)

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def user_change_password(self, request, id, form_url=""):
        # Setting someone's password would take over their account: superusers only.
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)
