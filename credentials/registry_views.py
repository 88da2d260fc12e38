"""The registry's pages: the association's public directory of endorsed professionals, the
holder's listing form and the coordinator's CSV export."""

import csv

import rules
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView, View

from accounts.models import Association, WorkforceProfile
from accounts.permissions import AssociationRoleRequiredMixin
from accounts.services import workforce_registry_set
from credentials.listing import registry_listing_set
from credentials.registry import registry_endorsements, registry_page, registry_row
from credentials.registry_forms import ListingForm, RegistrySearchForm
from endorsement.csvs import CSV_CHUNK, Echo, csv_safe
from endorsement.models import Endorsement
from endorsement.selectors import association_categories


class RegistryView(TemplateView):
    """Public, no login: the listed holders whose endorsement is current."""

    template_name = "credentials/registry.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        association = get_object_or_404(Association, slug=self.kwargs["slug"])
        form = RegistrySearchForm(self.request.GET, categories=association_categories(association))
        filters = form.filters()
        page, rows = registry_page(
            association=association, number=self.request.GET.get("page"), **filters
        )
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            association=association,
            form=form,
            filtered=any(filters.values()),
            page_obj=page,
            rows=rows,
            query=query.urlencode(),
        )
        return context


class ListingView(LoginRequiredMixin, FormView):
    """The holder chooses whether to be listed, and the place shown; nobody else may."""

    template_name = "credentials/listing.html"
    form_class = ListingForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.endorsement = get_object_or_404(
            Endorsement.objects.select_related("category", "association"), pk=kwargs["pk"]
        )
        if not rules.has_perm(
            "credentials.change_registry_listing", request.user, self.endorsement
        ):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        profile = self.profile()
        return {
            "listed": self.endorsement.registry_listed,
            "place": self.endorsement.registry_place,
            "show_languages": bool(profile and profile.show_languages),
            "show_region": bool(profile and profile.show_region),
        }

    def profile(self) -> WorkforceProfile | None:
        return WorkforceProfile.objects.filter(user=self.request.user).first()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["endorsement"] = self.endorsement
        context["profile"] = self.profile()
        return context

    def form_valid(self, form):
        registry_listing_set(
            endorsement=self.endorsement,
            by=self.request.user,
            listed=form.cleaned_data["listed"],
            place=form.cleaned_data["place"],
        )
        workforce_registry_set(
            user=self.request.user,
            show_languages=form.cleaned_data["show_languages"],
            show_region=form.cleaned_data["show_region"],
        )
        if self.endorsement.registry_listed:
            messages.success(self.request, _("You are listed in the public registry."))
        else:
            messages.success(self.request, _("You are not listed in the public registry."))
        return HttpResponseRedirect(reverse("accounts:dashboard.applicant"))


def registry_csv_header() -> list[str]:
    return [
        _("Name"),
        _("Category code"),
        _("Category"),
        _("City or region"),
        _("Status"),
        _("Endorsement number"),
        _("Valid through"),
    ]


def registry_csv_row(endorsement: Endorsement) -> list[str]:
    row = registry_row(endorsement)
    cells = [
        row.holder_name,
        row.category_code,
        row.category_name,
        row.place,
        row.status_label,
        row.number,
        row.valid_through.isoformat(),
    ]
    return [csv_safe(cell) for cell in cells]


class RegistryCsvView(AssociationRoleRequiredMixin, View):
    """The whole public registry as CSV, for the association's coordinators only."""

    required_role = None
    required_permission = "credentials.export_registry"
    http_method_names = ["get"]

    def get(self, request, slug):
        association = self.association
        endorsements = registry_endorsements(association=association)
        writer = csv.writer(Echo())

        def lines():
            yield "\ufeff" + writer.writerow(registry_csv_header())
            for endorsement in endorsements.iterator(chunk_size=CSV_CHUNK):
                yield writer.writerow(registry_csv_row(endorsement))

        filename = f"registry-{association.slug}-{association.today().isoformat()}.csv"
        return StreamingHttpResponse(
            lines(),
            content_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
