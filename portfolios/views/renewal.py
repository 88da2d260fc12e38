"""The renewal of an endorsement: the holder's page (checklist, hours, signature, submit) and
the coordinator's list and review.

The holder reaches only their own endorsements' pages; the coordinators of the endorsement's
association its review. Everyone else gets 404; anonymous visitors are sent to log in.
"""

import rules
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import FormView, TemplateView

from accounts.permissions import AssociationRoleRequiredMixin
from accounts.time_zones import time_zone_activate
from endorsement.enums import EndorsementStatus, RenewalState
from endorsement.lifecycle import EndorsementTransitionRefused, endorsement_renewal_dates
from endorsement.models import Endorsement
from portfolios import csv_import
from portfolios.forms.renewal import (
    EthicsSignForm,
    RenewalDecisionForm,
    RenewalImportForm,
    RenewalRSCForm,
    RenewalTrainingForm,
    RSCProviderForm,
)
from portfolios.models import RSCEntry, Training
from portfolios.renewals import (
    EDITABLE_STATES,
    RenewalRefused,
    association_renewals,
    code_of_ethics,
    hours_year,
    renewal_approve,
    renewal_audit_mark,
    renewal_by_id,
    renewal_check,
    renewal_draft_get,
    renewal_draft_save,
    renewal_ethics_sign,
    renewal_history,
    renewal_hours_delete,
    renewal_hours_save,
    renewal_open,
    renewal_return,
    renewal_rsc_entries,
    renewal_rsc_provider_set,
    renewal_submit,
    renewal_trainings,
)


def renewal_url(endorsement_id: int, name: str = "", **kwargs) -> str:
    return reverse(
        f"portfolios:renewal{'.' + name if name else ''}",
        kwargs={"endorsement_id": endorsement_id, **kwargs},
    )


class HolderRenewalMixin(LoginRequiredMixin):
    """The endorsement named in the address, for its holder only (404 for anyone else); its
    renewal of this year, opened if it may be (``self.renewal`` is None when it may not)."""

    needs_edit = False

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.endorsement = get_object_or_404(
            Endorsement.objects.select_related(
                "association__renewal_policy", "holder", "category__framework", "application"
            ).prefetch_related("category__requirements"),
            pk=kwargs["endorsement_id"],
        )
        if not rules.has_perm("portfolios.renew_endorsement", request.user, self.endorsement):
            raise Http404
        time_zone_activate(association=self.endorsement.association)
        try:
            self.renewal = renewal_open(endorsement=self.endorsement, by=request.user)
        except RenewalRefused as exc:
            self.renewal = None
            self.refusal = str(exc)
        if self.renewal is not None:
            self.renewal.endorsement = self.endorsement
        if self.needs_edit and (self.renewal is None or self.renewal.state not in EDITABLE_STATES):
            messages.error(
                request,
                getattr(self, "refusal", "")
                or _("Your renewal is %(state)s: it cannot be changed now.")
                % {"state": RenewalState(self.renewal.state).label.lower()},
            )
            return HttpResponseRedirect(renewal_url(self.endorsement.pk))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            endorsement=self.endorsement,
            renewal=self.renewal,
            renewal_url=renewal_url(self.endorsement.pk),
            hours_year=hours_year(self.endorsement),
        )
        return context


class RenewalView(HolderRenewalMixin, TemplateView):
    """The holder's renewal: the checklist with its numbers, the hours, the Code of Ethics,
    whether they provide RS/C, and "Submit"; the history of earlier years."""

    template_name = "portfolios/renewal/renewal.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        endorsement = self.endorsement
        dates = endorsement_renewal_dates(endorsement)
        refusal = getattr(self, "refusal", "")
        if self.renewal is None and endorsement.status == EndorsementStatus.ACTIVE:
            refusal = _(
                "Your endorsement is valid through %(date)s. Its next renewal opens on %(opens)s."
            ) % {
                "date": date_format(endorsement.valid_through, "DATE_FORMAT"),
                "opens": date_format(dates.opens, "DATE_FORMAT"),
            }
        context.update(
            history=renewal_history(endorsement=endorsement), dates=dates, refusal=refusal
        )
        renewal = self.renewal
        if renewal is None:
            return context
        trainings = renewal_trainings(renewal)
        rsc_entries = renewal_rsc_entries(renewal)
        check = renewal_check(renewal=renewal, trainings=trainings, rsc_entries=rsc_entries)
        context.update(
            check=check,
            trainings=trainings,
            rsc_entries=rsc_entries,
            can_edit=renewal.state in EDITABLE_STATES,
            ethics=code_of_ethics(
                association=endorsement.association, language=self.request.LANGUAGE_CODE
            )
            if renewal.ethics_signed_at is None and renewal.state in EDITABLE_STATES
            else None,
            ethics_form=kwargs.get("ethics_form")
            or EthicsSignForm(initial={"typed_name": self.request.user.get_full_name()}),
            rsc_provider_form=RSCProviderForm(initial={"provides_rsc": renewal.provides_rsc}),
            submit_refusal=kwargs.get("submit_refusal", ""),
        )
        return context


class RenewalActionView(HolderRenewalMixin, TemplateView):
    """POST-only steps of the holder's renewal page; a refusal shows the page again with the
    sentence (400), keeping what was typed."""

    needs_edit = True
    http_method_names = ["post"]
    template_name = "portfolios/renewal/renewal.html"

    def refused(self, message: str, **context):
        view = RenewalView()
        view.setup(self.request, *self.args, **self.kwargs)
        view.endorsement, view.renewal = self.endorsement, self.renewal
        messages.error(self.request, message)
        response = view.render_to_response(view.get_context_data(**context))
        response.status_code = 400
        return response


class RenewalEthicsView(RenewalActionView):
    def post(self, request, *args, **kwargs):
        form = EthicsSignForm(request.POST)
        if not form.is_valid():
            return self.refused(_("Type your full name to sign."), ethics_form=form)
        try:
            renewal_ethics_sign(
                renewal=self.renewal, typed_name=form.cleaned_data["typed_name"], by=request.user
            )
        except RenewalRefused as exc:
            return self.refused(str(exc), ethics_form=form)
        messages.success(request, _("You signed the Code of Ethics for this year."))
        return HttpResponseRedirect(renewal_url(self.endorsement.pk) + "#ethics")


class RenewalRSCProviderView(RenewalActionView):
    def post(self, request, *args, **kwargs):
        form = RSCProviderForm(request.POST)
        form.is_valid()
        renewal_rsc_provider_set(
            renewal=self.renewal,
            provides=bool(form.cleaned_data.get("provides_rsc")),
            by=request.user,
        )
        messages.success(request, _("Saved."))
        return HttpResponseRedirect(renewal_url(self.endorsement.pk) + "#checklist")


class RenewalSubmitView(RenewalActionView):
    """Submit: refused with the sentences of what is missing, or when sent already."""

    needs_edit = False

    def post(self, request, *args, **kwargs):
        if self.renewal is None:
            return self.refused(getattr(self, "refusal", ""))
        try:
            renewal = renewal_submit(renewal=self.renewal, by=request.user)
        except (RenewalRefused, EndorsementTransitionRefused) as exc:
            self.renewal.refresh_from_db()
            return self.refused(str(exc), submit_refusal=str(exc))
        if renewal.state == RenewalState.APPROVED:
            self.endorsement.refresh_from_db(fields=["valid_through"])
            messages.success(
                request,
                _("Your endorsement is renewed: valid through %(date)s.")
                % {"date": date_format(self.endorsement.valid_through, "DATE_FORMAT")},
            )
        else:
            messages.success(
                request,
                _(
                    "Your renewal is submitted. The association's office decides; you are told "
                    "by e-mail."
                ),
            )
        return HttpResponseRedirect(renewal_url(self.endorsement.pk))


# --- Hours: the portfolio's forms --------------------------------------------------------------


class RenewalHoursFormView(HolderRenewalMixin, FormView):
    """Add or edit a training or an RS/C entry of the renewal, with the portfolio's form (its
    draft kept as the holder types)."""

    needs_edit = True
    model = None
    section = ""
    template_name = "portfolios/renewal/hours_form.html"
    form_title = ""

    def get_object(self):
        if "pk" not in self.kwargs:
            return None
        return get_object_or_404(
            self.model.objects.renewal_live(self.renewal), pk=self.kwargs["pk"]
        )

    def draft_key(self) -> str:
        obj = getattr(self, "object", None)
        return f"{self.section}:{obj.pk if obj else 'new'}"

    def get_form_kwargs(self):
        self.object = self.get_object()
        kwargs = super().get_form_kwargs()
        kwargs.update(renewal=self.renewal, instance=self.object)
        if self.request.method == "GET":
            draft = renewal_draft_get(renewal=self.renewal, key=self.draft_key())
            if draft:
                kwargs["data"] = draft
                self.restored_draft = True
        return kwargs

    def post(self, request, *args, **kwargs):
        if "save_draft" in request.POST or request.headers.get("HX-Request"):
            self.object = self.get_object()
            data = {
                key: values if len(values) > 1 else values[0]
                for key, values in request.POST.lists()
                if key not in {"csrfmiddlewaretoken", "save_draft"}
            }
            renewal_draft_save(renewal=self.renewal, key=self.draft_key(), data=data)
            if request.headers.get("HX-Request"):
                return HttpResponse(_("Draft saved."), content_type="text/plain")
            messages.info(request, _("Your draft is saved. Finish it whenever you are ready."))
            return HttpResponseRedirect(renewal_url(self.endorsement.pk))
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        instance = form.save(commit=False)
        try:
            renewal_hours_save(
                renewal=self.renewal,
                instance=instance,
                by=self.request.user,
                save_m2m=getattr(form, "save_m2m", None),
                draft_key=self.draft_key(),
            )
        except RenewalRefused as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return HttpResponseRedirect(renewal_url(self.endorsement.pk) + f"#{self.section}")

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            object=self.object,
            form_title=self.form_title,
            restored_draft=getattr(self, "restored_draft", False),
            cancel_url=renewal_url(self.endorsement.pk) + f"#{self.section}",
        )
        return context


class RenewalTrainingFormView(RenewalHoursFormView):
    model = Training
    section = "training"
    form_class = RenewalTrainingForm
    form_title = gettext_lazy("Add a training")


class RenewalRSCFormView(RenewalHoursFormView):
    model = RSCEntry
    section = "rsc"
    form_class = RenewalRSCForm
    form_title = gettext_lazy("Add reflective supervision/consultation")


class RenewalHoursDeleteView(HolderRenewalMixin, TemplateView):
    needs_edit = True
    model = None
    section = ""
    template_name = "portfolios/renewal/hours_delete.html"

    def get_object(self):
        return get_object_or_404(
            self.model.objects.renewal_live(self.renewal), pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            object=self.get_object(),
            cancel_url=renewal_url(self.endorsement.pk) + f"#{self.section}",
        )
        return context

    def post(self, request, *args, **kwargs):
        instance = self.get_object()
        try:
            renewal_hours_delete(renewal=self.renewal, instance=instance, by=request.user)
        except RenewalRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Deleted “%(item)s”.") % {"item": instance})
        return HttpResponseRedirect(renewal_url(self.endorsement.pk) + f"#{self.section}")


class RenewalTrainingDeleteView(RenewalHoursDeleteView):
    model = Training
    section = "training"


class RenewalRSCDeleteView(RenewalHoursDeleteView):
    model = RSCEntry
    section = "rsc"


class RenewalImportView(HolderRenewalMixin, FormView):
    """Trainings from a CSV file (the portfolio's columns): the valid rows dated in the renewal
    year are added at once; the others are listed with what is wrong, to correct and import
    again."""

    needs_edit = True
    form_class = RenewalImportForm
    template_name = "portfolios/renewal/import.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["renewal"] = self.renewal
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            columns=csv_import.COLUMNS,
            max_rows=csv_import.MAX_ROWS,
            template_url=reverse(
                "portfolios:training.import_template",
                kwargs={"application_id": self.endorsement.application_id},
            ),
        )
        return context

    def form_valid(self, form):
        rows = csv_import.parse_rows(form.rows, category=self.endorsement.category)
        year = hours_year(self.endorsement)
        for row in rows:
            if row.date is not None and row.date.year != year:
                row.errors.append(
                    csv_import.RowError(
                        row=row.row,
                        column="date",
                        message=_("only hours from %(year)s count toward this renewal")
                        % {"year": year},
                    )
                )
        created = 0
        with transaction.atomic():  # all the valid rows, or none
            for row in rows:
                if not row.is_valid:
                    continue
                training = row.training()
                ids = [item.pk for item in row.competencies]
                renewal_hours_save(
                    renewal=self.renewal,
                    instance=training,
                    by=self.request.user,
                    save_m2m=lambda training=training, ids=ids: training.competencies.set(ids),
                )
                created += 1
        skipped = [row for row in rows if not row.is_valid]
        if created:
            messages.success(
                self.request,
                ngettext("Imported %(count)s training.", "Imported %(count)s trainings.", created)
                % {"count": created},
            )
        if not skipped:
            return HttpResponseRedirect(renewal_url(self.endorsement.pk) + "#training")
        return self.render_to_response(
            self.get_context_data(form=self.form_class(renewal=self.renewal), skipped=skipped)
        )


# --- The coordinator -------------------------------------------------------------------------


class RenewalsView(AssociationRoleRequiredMixin, TemplateView):
    """The association's renewals waiting for approval, set aside for audit, and decided."""

    template_name = "portfolios/renewal/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            association=self.association, **association_renewals(association=self.association)
        )
        return context


class RenewalReviewView(AssociationRoleRequiredMixin, TemplateView):
    """One renewal for the coordinator: the checklist, the hours, approve or return with a
    note; a renewal approved automatically and set aside for audit is marked audited here."""

    template_name = "portfolios/renewal/review.html"
    required_role = None
    hide_from_others = True

    def get_association(self):
        self.renewal = renewal_by_id(self.kwargs["pk"])
        if self.renewal is None or not rules.has_perm(
            "portfolios.decide_renewal", self.request.user, self.renewal.endorsement
        ):
            raise Http404
        return self.renewal.endorsement.association

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        renewal = self.renewal
        trainings = renewal_trainings(renewal)
        rsc_entries = renewal_rsc_entries(renewal)
        context.update(
            renewal=renewal,
            endorsement=renewal.endorsement,
            check=renewal_check(renewal=renewal, trainings=trainings, rsc_entries=rsc_entries),
            trainings=trainings,
            rsc_entries=rsc_entries,
            history=renewal_history(endorsement=renewal.endorsement),
            form=kwargs.get("form") or RenewalDecisionForm(),
            waiting=renewal.state == RenewalState.SUBMITTED,
            to_audit=renewal.audit_selected and renewal.audited_at is None,
            list_url=reverse("portfolios:renewals", kwargs={"slug": self.association.slug}),
            hours_year=hours_year(renewal.endorsement),
        )
        return context

    def post(self, request, *args, **kwargs):
        decision = request.POST.get("decision")
        if decision not in ("approve", "return", "audited"):
            return HttpResponseBadRequest(_("Choose to approve or to return the renewal."))
        form = RenewalDecisionForm(request.POST)
        form.is_valid()
        note = form.cleaned_data.get("note", "")
        here = reverse("portfolios:renewal.review", kwargs={"pk": self.renewal.pk})
        try:
            if decision == "approve":
                renewal_approve(renewal=self.renewal, by=request.user, note=note)
                messages.success(
                    request, _("The renewal is approved; the holder is told by e-mail.")
                )
            elif decision == "return":
                renewal_return(renewal=self.renewal, by=request.user, note=note)
                messages.success(
                    request, _("The renewal is returned; the holder is told by e-mail.")
                )
            else:
                renewal_audit_mark(renewal=self.renewal, by=request.user)
                messages.success(request, _("Marked as audited."))
        except (RenewalRefused, EndorsementTransitionRefused) as exc:
            messages.error(request, str(exc))
            response = self.render_to_response(self.get_context_data(form=form))
            response.status_code = 400
            return response
        return HttpResponseRedirect(here)
