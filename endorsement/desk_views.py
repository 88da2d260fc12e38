"""The coordinator's renewal desk: counts, the filtered list, its CSV and the bulk actions
(with a confirmation step). The association's coordinators and admins read the desk and its
CSV; only its coordinators act on it. Anyone else is refused (403), anonymous visitors are
sent to log in."""

import csv

import rules
from django.contrib import messages
from django.http import HttpResponseBadRequest, HttpResponseRedirect, StreamingHttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import TemplateView, View

from accounts.permissions import AssociationRoleRequiredMixin
from endorsement.csvs import CSV_CHUNK, Echo, csv_safe
from endorsement.desk import (
    BULK_ACTIONS,
    GROUPS,
    annotate_desk_rows,
    bulk_eligible,
    desk_counts,
    desk_filter,
    desk_page,
    renewal_audits_mark,
    renewal_reminders_send,
    renewal_season,
    with_row_data,
)
from endorsement.enums import EndorsementStatus
from endorsement.forms import RenewalDeskFilterForm
from endorsement.selectors import association_categories

# The coordinator's page of one ``Renewal`` (the renewal's review and approval, in
# ``portfolios``), when the portal has it.
RENEWAL_URL_NAME = "portfolios:renewal.review"


def renewal_url_pattern() -> str:
    """The URL of a renewal with "987654321" for its pk; "" when there is no renewal page."""
    try:
        return reverse(RENEWAL_URL_NAME, kwargs={"pk": 987654321})
    except NoReverseMatch:
        return ""


def application_url_pattern() -> str:
    return reverse("endorsement:detail", kwargs={"application_id": 987654321})


def row_links(rows) -> list:
    """Each row's link: its latest renewal's page (when there is one), else the application's."""
    renewal = renewal_url_pattern()
    application = application_url_pattern()
    for row in rows:
        if renewal and row.renewal_pk:
            row.link = renewal.replace("987654321", str(row.renewal_pk))
        else:
            row.link = application.replace("987654321", str(row.application_id))
    return rows


class DeskMixin(AssociationRoleRequiredMixin):
    required_role = None
    required_permission = "endorsement.view_renewal_desk"

    def desk_filters(self, data):
        self.season = renewal_season(self.association)
        self.form = RenewalDeskFilterForm(
            data or None, groups=GROUPS, categories=association_categories(self.association)
        )
        return self.form.filters() if data else {}


class RenewalDeskView(DeskMixin, TemplateView):
    template_name = "endorsement/renewal_desk.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        association = self.association
        filters = self.desk_filters(self.request.GET)
        page, rows = desk_page(
            association=association,
            season=self.season,
            filters=filters,
            number=self.request.GET.get("page"),
        )
        query = self.request.GET.copy()
        query.pop("page", None)
        csv_url = reverse("endorsement:desk.csv", kwargs={"slug": association.slug})
        context.update(
            association=association,
            season=self.season,
            counts=desk_counts(association, self.season),
            filter_form=self.form,
            filtered=bool(filters),
            page_obj=page,
            rows=row_links(rows),
            query=query.urlencode(),
            csv_url=f"{csv_url}?{query.urlencode()}" if query else csv_url,
            can_act=rules.has_perm(
                "endorsement.act_on_renewal_desk", self.request.user, association
            ),
            bulk_actions=list(BULK_ACTIONS.items()),
            dashboard_url=reverse(
                "accounts:dashboard.role", kwargs={"slug": association.slug, "role": "coordinator"}
            ),
        )
        return context


CSV_HEADER = [
    "name",
    "email",
    "number",
    "category",
    "status",
    "late",
    "status_since",
    "days_in_status",
    "valid_through",
    "renewal_year",
    "renewal_state",
    "audit_pending",
]


class RenewalDeskCsvView(DeskMixin, View):
    """The filtered desk list, every row, as CSV."""

    http_method_names = ["get"]

    def get(self, request, slug):
        association = self.association
        filters = self.desk_filters(request.GET)
        rows = with_row_data(desk_filter(association, self.season, filters), self.season)
        season = self.season
        writer = csv.writer(Echo())
        now = timezone.now()

        def lines():
            yield "\ufeff" + writer.writerow(CSV_HEADER)
            for chunk in _chunks(rows.iterator(chunk_size=CSV_CHUNK)):
                for row in annotate_desk_rows(chunk, season, now):
                    yield writer.writerow(
                        [
                            csv_safe(row.holder.get_full_name()),
                            csv_safe(row.holder.email),
                            csv_safe(row.number),
                            row.category.code,
                            row.status,
                            "yes" if row.is_late else "",
                            row.status_since.date().isoformat(),
                            row.days_in_status,
                            row.valid_through.isoformat(),
                            row.renewal_year or "",
                            row.renewal_state or "",
                            "yes" if row.audit_waiting else "",
                        ]
                    )

        filename = f"renewals-{association.slug}-{association.today().isoformat()}.csv"
        return StreamingHttpResponse(
            lines(),
            content_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )


def _chunks(iterator, size: int = CSV_CHUNK):
    chunk = []
    for item in iterator:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class RenewalDeskBulkView(AssociationRoleRequiredMixin, TemplateView):
    """POST the selected rows and an action: a confirmation page lists whom it applies to;
    POSTed again with ``confirm``, it is done and the desk says how many."""

    required_role = None
    required_permission = "endorsement.act_on_renewal_desk"
    http_method_names = ["post"]
    template_name = "endorsement/renewal_desk_confirm.html"

    def post(self, request, slug):
        action = request.POST.get("action")
        if action not in BULK_ACTIONS:
            return HttpResponseBadRequest(_("Choose an action."))
        ids = [int(value) for value in request.POST.getlist("ids") if value.isdigit()]
        association = self.association
        desk_url = reverse("endorsement:desk", kwargs={"slug": association.slug})
        back = request.POST.get("query", "")
        if back:
            desk_url = f"{desk_url}?{back}"
        if not ids:
            messages.error(request, _("Select at least one holder."))
            return HttpResponseRedirect(desk_url)
        eligible = bulk_eligible(association=association, action=action, ids=ids)
        if request.POST.get("confirm") != "yes":
            context = self.get_context_data(
                association=association,
                action=action,
                action_label=BULK_ACTIONS[action],
                eligible=eligible,
                skipped=len(set(ids)) - len(eligible),
                desk_url=desk_url,
                query=back,
                status=EndorsementStatus,
            )
            return self.render_to_response(context)
        if action == "remind":
            count = renewal_reminders_send(
                association=association, endorsements=eligible, by=request.user
            )
            messages.success(
                request,
                ngettext(
                    "A reminder is sent to %(count)d holder.",
                    "A reminder is sent to %(count)d holders.",
                    count,
                )
                % {"count": count},
            )
        else:
            count = renewal_audits_mark(association=association, endorsements=eligible)
            messages.success(
                request,
                ngettext(
                    "%(count)d audit is marked done.", "%(count)d audits are marked done.", count
                )
                % {"count": count},
            )
        return HttpResponseRedirect(desk_url)
