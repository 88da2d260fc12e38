"""Admin for portfolios: the association's agreement texts, and signatures (read-only)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.admin import AssociationScopedAdmin, ReadOnlyAdminMixin
from portfolios.models import AgreementText, Signature


@admin.register(AgreementText)
class AgreementTextAdmin(AssociationScopedAdmin):
    """An association admin keeps their own texts. A version someone has signed is not changed
    (add a new version with a later date instead) and cannot be deleted."""

    list_display = ["kind", "version", "language", "effective_from", "association"]
    list_filter = ["kind", "language", ("association", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["version", "body"]
    list_select_related = ["association"]
    ordering = ["association", "kind", "-effective_from", "language"]
    fields = ["association", "kind", "version", "language", "effective_from", "body"]

    def is_signed(self, obj) -> bool:
        return obj is not None and Signature.objects.filter(agreement=obj).exists()

    def get_readonly_fields(self, request, obj=None):
        if self.is_signed(obj):
            return self.fields
        return []

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self.is_signed(obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id)
        if self.is_signed(obj):
            extra_context["subtitle"] = _(
                "This version has been signed, so it cannot be changed. To change the text, add "
                "a new version with a later date."
            )
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(Signature)
class SignatureAdmin(ReadOnlyAdminMixin, AssociationScopedAdmin):
    """Who signed which text, when and from where; never added, changed or deleted here."""

    association_path = "application__association"
    list_display = ["typed_name", "agreement", "application", "signed_at", "ip_address"]
    list_filter = [
        "agreement__kind",
        ("application__association", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["typed_name", "application__applicant__email"]
    list_select_related = ["agreement", "application__applicant", "application__category"]
    fields = ["application", "agreement", "typed_name", "signed_at", "ip_address"]
    readonly_fields = fields
