"""Billing in the admin site: read-only, for the platform admin. Association admins edit the fee
schedule and record payments on the portal's own pages (``billing:fees``, the invoice page),
where every write goes through ``billing.services`` and its audit log."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.admin import ReadOnlyAdminMixin
from billing.models import (
    BillingEvent,
    CategoryFee,
    FeeSchedule,
    GatewayEvent,
    Invoice,
    Payment,
    WaiverRequest,
)


class PlatformOnlyMixin(ReadOnlyAdminMixin):
    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser


class CategoryFeeInline(PlatformOnlyMixin, admin.TabularInline):
    model = CategoryFee
    extra = 0


@admin.register(FeeSchedule)
class FeeScheduleAdmin(PlatformOnlyMixin, admin.ModelAdmin):
    list_display = ["association", "effective_from", "currency", "membership_fee"]
    list_filter = ["association"]
    inlines = [CategoryFeeInline]


class PaymentInline(PlatformOnlyMixin, admin.TabularInline):
    model = Payment
    fk_name = "invoice"
    extra = 0


@admin.register(Invoice)
class InvoiceAdmin(PlatformOnlyMixin, admin.ModelAdmin):
    list_display = ["__str__", "person", "fee_type", "amount", "currency", "status", "issued_at"]
    list_filter = ["association", "status", "fee_type"]
    list_select_related = ["association", "person"]
    inlines = [PaymentInline]


@admin.register(BillingEvent)
class BillingEventAdmin(PlatformOnlyMixin, admin.ModelAdmin):
    list_display = ["at", "association", "action", "actor", "amount", "currency"]
    list_filter = ["association", "action"]
    list_select_related = ["association", "actor"]


@admin.register(GatewayEvent)
class GatewayEventAdmin(PlatformOnlyMixin, admin.ModelAdmin):
    """A card gateway's notifications; filter on "To check" for the flagged ones."""

    list_display = ["received_at", "gateway", "event_type", "outcome", "invoice", "amount", "note"]
    list_filter = ["outcome", "gateway", "event_type"]
    list_select_related = ["invoice__association"]
    search_fields = ["event_id", "object_id", "payment_intent"]


@admin.register(WaiverRequest)
class WaiverRequestAdmin(PlatformOnlyMixin, admin.ModelAdmin):
    """People's waiver requests; the association admin answers them on the invoice page."""

    list_display = ["invoice", "person", "status", "requested_at", "decided_by", "decided_at"]
    list_filter = ["status", "invoice__association"]
    list_select_related = ["invoice__association", "invoice__person", "decided_by"]
    search_fields = ["invoice__person__email", "invoice__person__full_name", "reason"]
    date_hierarchy = "requested_at"

    @admin.display(description=_("billed to"), ordering="invoice__person__email")
    def person(self, obj):
        return obj.invoice.person
