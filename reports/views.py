"""The reports pages: the index and one page per report, each a chart with its table and a CSV
export, for the association's coordinators and association admins (anyone else 403, anonymous
people are sent to log in; an unknown report 404; a bad filter 400 with the reason)."""

import csv
from dataclasses import dataclass

from django import forms
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from accounts.csvs import csv_safe
from accounts.permissions import AssociationRoleRequiredMixin
from reports import selectors
from reports.charts import bar_chart

# How many years back the year filter offers.
YEARS_OFFERED = 10


@dataclass(frozen=True)
class ReportKind:
    slug: str
    title: str
    lead: str
    # "year" (optional, all years by default), "this_year" (a year, this one by default),
    # "by" (the endorsement report's grouping) or "" (no filter).
    filter: str
    note: str = ""


REPORTS = [
    ReportKind(
        "applications",
        gettext_lazy("Applications by state and category"),
        gettext_lazy("Every application in the state it is in now, by category."),
        "year",
    ),
    ReportKind(
        "decision-time",
        gettext_lazy("Time from submission to decision"),
        gettext_lazy(
            "Days from an application's first submission to the reviewers' decision (approved "
            "or declined; a deferral keeps the clock running), per quarter of the decision: "
            "the median and the 90th percentile."
        ),
        "year",
    ),
    ReportKind(
        "endorsements",
        gettext_lazy("Current endorsements"),
        gettext_lazy(
            "The endorsements the registry lists (active, renewal due, emeritus) by category, "
            "and their holders by region, work setting or language."
        ),
        "by",
    ),
    ReportKind(
        "workforce",
        gettext_lazy("The workforce's growth per year"),
        gettext_lazy(
            "At the end of each year (this year: today), the people holding a current "
            "endorsement and the people with an application in process who held none."
        ),
        "",
    ),
    ReportKind(
        "renewals",
        gettext_lazy("Renewals"),
        gettext_lazy(
            "Endorsements by the year they come due for renewal, and their standing today."
        ),
        "",
        note=gettext_lazy(
            "The table shows how many endorsements come due each year and their standing "
            "today. This season's renewals (due, late, waiting for approval, renewed) are on "
            "the coordinator's renewal desk."
        ),
    ),
    ReportKind(
        "revenue",
        gettext_lazy("Revenue by fee and month"),
        gettext_lazy(
            "Money received less money refunded, by fee and month; waivers are not revenue."
        ),
        "this_year",
    ),
    ReportKind(
        "waivers",
        gettext_lazy("Waivers granted"),
        gettext_lazy("Waivers and scholarships granted, by fee, and the amount they cover."),
        "year",
    ),
]
REPORTS_BY_SLUG = {report.slug: report for report in REPORTS}


class ReportFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=gettext_lazy("Year"), coerce=int, required=False)
    by = forms.ChoiceField(label=gettext_lazy("Group by"), required=False)

    def __init__(self, *args, kind: ReportKind, this_year: int, **kwargs):
        super().__init__(*args, **kwargs)
        years = [(year, str(year)) for year in range(this_year, this_year - YEARS_OFFERED, -1)]
        if kind.filter == "year":
            self.fields["year"].choices = [("", _("All years")), *years]
        else:
            self.fields["year"].choices = years
        self.fields["by"].choices = [
            (by, selectors.endorsement_dimension_label(by))
            for by in selectors.ENDORSEMENT_DIMENSIONS
        ]
        keep = {"year": ("year", "this_year"), "by": ("by",)}
        for name, kinds in keep.items():
            if kind.filter not in kinds:
                del self.fields[name]


class ReportsMixin(AssociationRoleRequiredMixin):
    required_role = None
    required_permission = "reports.view_reports"

    def get_permission_denied_message(self):
        return _("Only the association's coordinators and admins read its reports.")


class ReportsIndexView(ReportsMixin, TemplateView):
    template_name = "reports/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["association"] = self.association
        context["reports"] = [
            (report, reverse("reports:report", args=[self.association.slug, report.slug]))
            for report in REPORTS
        ]
        return context


class ReportView(ReportsMixin, TemplateView):
    """One report: its filter, a sentence, the chart beside the table, the CSV link. The CSV
    (``?format=csv`` is the export address, ``reports:report.csv``) holds the table's rows."""

    template_name = "reports/report.html"
    as_csv = False

    def dispatch(self, request, *args, **kwargs):
        self.kind = REPORTS_BY_SLUG.get(kwargs["report"])
        if self.kind is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        this_year = self.association.today().year
        form = ReportFilterForm(request.GET or None, kind=self.kind, this_year=this_year)
        year, by = None, "category"
        if form.is_bound:
            if not form.is_valid():
                if self.as_csv:
                    return HttpResponse(
                        _("Choose a year and a grouping from the lists."), status=400
                    )
                return self.render_to_response(
                    self.get_context_data(form=form, data=None), status=400
                )
            year = form.cleaned_data.get("year") or None
            by = form.cleaned_data.get("by") or "category"
        if self.kind.filter == "this_year" and not year:
            year = this_year
        data = self.compute(year=year, by=by)
        if self.as_csv:
            return self.csv_response(data, year=year, by=by)
        return self.render_to_response(self.get_context_data(form=form, data=data, year=year))

    def compute(self, *, year, by) -> selectors.ReportData:
        association = self.association
        return {
            "applications": lambda: selectors.applications_by_state(
                association=association, year=year
            ),
            "decision-time": lambda: selectors.decision_times(association=association, year=year),
            "endorsements": lambda: selectors.active_endorsements(association=association, by=by),
            "workforce": lambda: selectors.workforce_growth(association=association),
            "renewals": lambda: selectors.renewals_due(association=association),
            "revenue": lambda: selectors.revenue(association=association, year=year),
            "waivers": lambda: selectors.waivers_granted(association=association, year=year),
        }[self.kind.slug]()

    def csv_response(self, data, *, year, by) -> HttpResponse:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        parts = [self.kind.slug, self.association.slug]
        if self.kind.filter == "by":
            parts.append(by)
        parts.append(str(year) if year else self.association.today().isoformat())
        response["Content-Disposition"] = f'attachment; filename="{"-".join(parts)}.csv"'
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow([csv_safe(column) for column in data.columns])
        for row in data.rows:
            writer.writerow([csv_safe(cell) for cell in row])
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        data = context.get("data")
        query = self.request.GET.urlencode()
        context.update(
            association=self.association,
            kind=self.kind,
            index_url=reverse("reports:index", args=[self.association.slug]),
            csv_url=reverse("reports:report.csv", args=[self.association.slug, self.kind.slug])
            + (f"?{query}" if query else ""),
            chart=(
                bar_chart(
                    title=str(self.kind.title),
                    desc=_("The chart shows the table beside it."),
                    labels=data.labels,
                    series=data.series,
                )
                if data is not None and not data.empty
                else ""
            ),
        )
        return context
