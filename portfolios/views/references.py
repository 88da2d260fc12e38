"""Portfolio section: references. The applicant's pages, and the rater's page (no account).

Applicant: /portfolio/<id>/references/ (list), …/invite/, …/<pk>/ (read a rating),
…/<pk>/resend/ (POST), …/<pk>/replace/, …/<pk>/withdraw/ (asks first).
Rater: /portfolio/rate/<token>/ — the link from the e-mail: "Save draft" keeps the answers and
the link; "Send my rating" uses the link up.
"""

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView

from accounts.rate_limits import client_address, count_hit
from competencies.selectors import category_areas
from portfolios.enums import ReferenceStatus
from portfolios.forms.references import WAIVE_HELP, RatingForm, ReferenceInviteForm
from portfolios.models import Reference
from portfolios.permissions import PortfolioMixin
from portfolios.reference_status import (
    OPEN_STATUSES,
    RATED_STATUSES,
    rating_valid_until,
    reference_row,
    references_status,
)
from portfolios.references import (
    LINK_EXPIRED,
    LINK_REPLACED,
    LINK_USED,
    LINK_WITHDRAWN,
    RATER_ROLE,
    RatingLinkUnusable,
    rating_draft_scores,
    rating_link_problem,
    reference_for_token,
    reference_invite,
    reference_replace,
    reference_resend,
    reference_save_rating_draft,
    reference_submit_rating,
    reference_withdraw,
)
from portfolios.selectors import reference_ratings, references_live
from portfolios.services import PortfolioLocked, draft_clear
from portfolios.views.base import ApplicationFormMixin, EvidenceCreateView


class ReferencesMixin(PortfolioMixin):
    section = "references"

    def references(self, **kwargs):
        """The live references, only those in ``statuses`` or all but ``exclude_status``."""
        return references_live(application=self.application, **kwargs)

    def get_reference(self, queryset=None) -> Reference:
        queryset = queryset if queryset is not None else self.references()
        reference = get_object_or_404(queryset, pk=self.kwargs["pk"])
        reference.application = self.application
        return reference

    def open_reference(self) -> Reference:
        """The reference of the URL, while its invitation is still open."""
        return self.get_reference(self.references(statuses=OPEN_STATUSES))

    def reference_act(self, service, reference: Reference, success: str):
        """Run ``service(reference=…, by=…)`` and go back to the list: a refusal is shown as an
        error, else ``success`` (its ``%(name)s`` the rater's name)."""
        try:
            service(reference=reference, by=self.request.user)
        except PortfolioLocked as exc:
            _refuse_locked(exc)
        except ValidationError as exc:
            messages.error(self.request, " ".join(exc.messages))
        else:
            messages.success(self.request, success % {"name": reference.rater_name})
        return HttpResponseRedirect(self.section_url())


def _refuse_locked(exc: PortfolioLocked):
    raise PermissionDenied(str(exc)) from exc


class ReferenceListView(ReferencesMixin, ListView):
    template_name = "portfolios/references/list.html"
    context_object_name = "references"

    def get_queryset(self):
        # The section's check panel has read them already.
        evidence = self.get_check().evidence
        if "references" in evidence:
            return evidence["references"]
        return list(self.references())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        references = context["references"]
        rows = [
            reference_row(
                reference=reference,
                application=self.application,
                can_edit=self.can_edit,
                user=self.request.user,
            )
            for reference in references
        ]
        context.update(
            status=references_status(application=self.application, references=references),
            rows=[row for row in rows if row.reference.status != ReferenceStatus.REPLACED],
            replaced_rows=[row for row in rows if row.reference.status == ReferenceStatus.REPLACED],
            framework=self.application.framework,
        )
        return context


def _rater(data: dict) -> dict:
    """The invite and replace forms' answers, as the reference services take them."""
    return {
        "rater_name": data["rater_name"],
        "rater_email": data["rater_email"],
        "relationship": data["relationship"],
        "rater_language": data["rater_language"],
        "waive": data["applicant_waived_right_to_see"],
    }


class ReferenceInviteView(ReferencesMixin, EvidenceCreateView):
    """Name a rater; drafts are kept like every section's (``references:new``)."""

    model = Reference
    form_class = ReferenceInviteForm
    template_name = "portfolios/references/invite_form.html"

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            reference = reference_invite(
                application=self.application, by=self.request.user, **_rater(data)
            )
        except PortfolioLocked as exc:
            _refuse_locked(exc)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        draft_clear(application=self.application, key=self.draft_key())
        messages.success(
            self.request,
            _("We sent %(name)s an e-mail with a personal link to rate you.")
            % {"name": reference.rater_name},
        )
        if "another" in self.request.POST:
            return HttpResponseRedirect(self.request.path)
        return HttpResponseRedirect(self.section_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        needed = context["needed"] = references_status(application=self.application)
        # This invitation fills one open rating; asking the next rater from here saves a trip.
        context["ask_another"] = needed.open > 1
        return context


class ReferenceDetailView(ReferencesMixin, DetailView):
    """A rating as the rater gave it. The applicant who waived the right to see it may not."""

    template_name = "portfolios/references/detail.html"
    context_object_name = "reference"

    def get_object(self, queryset=None):
        reference = self.get_reference()
        if (
            reference.applicant_waived_right_to_see
            and self.request.user.pk == self.application.applicant_id
        ):
            raise PermissionDenied(
                _(
                    "You waived your right to see this rating when you asked %(name)s, so only "
                    "the reviewers can read it."
                )
                % {"name": reference.rater_name}
            )
        return reference

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reference = self.object
        ratings = []
        if reference.status in RATED_STATUSES:
            ratings = reference_ratings(reference=reference)
        groups = []
        for rating in ratings:
            area = rating.competency.area
            if not groups or groups[-1][0].pk != area.pk:
                groups.append((area, []))
            groups[-1][1].append(rating)
        context.update(
            groups=groups,
            rated=reference.status in RATED_STATUSES,
            valid_until=rating_valid_until(reference=reference, application=self.application),
        )
        return context


class ReferenceResendView(ReferencesMixin, View):
    needs_edit = True
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        return self.reference_act(
            reference_resend,
            self.open_reference(),
            _("We sent %(name)s a new link. The link sent before no longer works."),
        )


class ReferenceReplaceView(ApplicationFormMixin, ReferencesMixin, FormView):
    """Ask someone else instead of this rater (the same questions as inviting)."""

    needs_edit = True
    form_class = ReferenceInviteForm
    template_name = "portfolios/references/replace_form.html"

    def setup_reference(self):
        self.reference = self.get_reference(
            self.references(exclude_status=ReferenceStatus.REPLACED)
        )

    def get(self, request, *args, **kwargs):
        self.setup_reference()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.setup_reference()
        return super().post(request, *args, **kwargs)

    def get_initial(self):
        return {
            "relationship": self.reference.relationship,
            "rater_language": self.reference.rater_language,
            "applicant_waived_right_to_see": self.reference.applicant_waived_right_to_see,
        }

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            new = reference_replace(reference=self.reference, by=self.request.user, **_rater(data))
        except PortfolioLocked as exc:
            _refuse_locked(exc)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("We sent %(new)s an e-mail with a personal link. %(old)s's link no longer works.")
            % {"new": new.rater_name, "old": self.reference.rater_name},
        )
        return HttpResponseRedirect(self.section_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(old=self.reference, cancel_url=self.section_url())
        return context


class ReferenceWithdrawView(ReferencesMixin, TemplateView):
    """Asks first. Only an invitation never answered can be withdrawn; it is not undone."""

    needs_edit = True
    template_name = "portfolios/references/confirm_withdraw.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(reference=self.open_reference(), cancel_url=self.section_url())
        return context

    def post(self, request, *args, **kwargs):
        return self.reference_act(
            reference_withdraw,
            self.open_reference(),
            _("You withdrew the request to %(name)s. Their link no longer works."),
        )


# --- the rater's page ----------------------------------------------------------------------------

# Unknown links from one address before every link from it is refused for a while.
RATE_LIMIT_MISSES = 20
RATE_LIMIT_SECONDS = 15 * 60


def _rate_limit_key(request) -> str:
    return f"reference-link-misses:{client_address(request)}"


def _rater_language(request, reference: Reference) -> str:
    """The language the applicant chose for the rater, unless the rater switched language."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if chosen in dict(settings.LANGUAGES):
        return chosen
    return reference.rater_language


# The name and value of the rater's "Save draft" button.
DRAFT_ACTION = ("action", "draft")


class RateView(View):
    """The rater's form, reached through their link; no account, no login. A draft keeps the
    link working; sending the rating uses it up."""

    template_name = "portfolios/rate/form.html"

    def dispatch(self, request, *args, **kwargs):
        key = _rate_limit_key(request)
        if (cache.get(key) or 0) >= RATE_LIMIT_MISSES:
            return render(request, "portfolios/rate/too_many.html", status=429)
        reference = reference_for_token(token=kwargs["token"])
        if reference is None:
            count_hit(key, RATE_LIMIT_SECONDS)
            return render(request, "portfolios/rate/invalid.html", status=404)
        self.reference = reference
        self.application = reference.application
        language = _rater_language(request, reference)
        # Every response here is rendered at once (render()), so inside the override.
        with translation.override(language):
            response = super().dispatch(request, *args, **kwargs)
        response.headers["Content-Language"] = language
        # The address holds the token: keep the page out of shared and browser caches.
        add_never_cache_headers(response)
        return response

    def context(self, **kwargs):
        application = self.application
        return {
            "reference": self.reference,
            "application": application,
            "applicant": application.applicant.get_full_name(),
            "association": application.association,
            "category": application.category,
            "role": RATER_ROLE[self.reference.relationship],
            "limit": application.framework.reference_not_enough_information_limit,
            "waive_help": WAIVE_HELP,
            **kwargs,
        }

    def unusable(self, request, reason: str):
        return render(
            request,
            "portfolios/rate/unavailable.html",
            self.context(
                reason=reason,
                LINK_USED=LINK_USED,
                LINK_EXPIRED=LINK_EXPIRED,
                LINK_REPLACED=LINK_REPLACED,
                LINK_WITHDRAWN=LINK_WITHDRAWN,
            ),
            status=410,
        )

    def form(self, data=None) -> RatingForm:
        draft = self.reference.rating_draft or {}
        return RatingForm(
            data,
            areas=category_areas(category=self.application.category),
            draft=rating_draft_scores(self.reference),
            draft_comment=draft.get("comment", ""),
        )

    def get(self, request, *args, **kwargs):
        problem = rating_link_problem(reference=self.reference)
        if problem:
            return self.unusable(request, problem)
        return render(request, self.template_name, self.context(form=self.form()))

    def post(self, request, *args, **kwargs):
        problem = rating_link_problem(reference=self.reference)
        if problem:
            return self.unusable(request, problem)
        form = self.form(request.POST)
        if request.POST.get(DRAFT_ACTION[0]) == DRAFT_ACTION[1] or request.headers.get(
            "HX-Request"
        ):
            return self.save_draft(request, form)
        if not form.is_valid():
            return render(request, self.template_name, self.context(form=form), status=200)
        try:
            reference = reference_submit_rating(
                reference=self.reference,
                scores=form.scores(),
                comment=form.cleaned_data["comment"],
            )
        except RatingLinkUnusable as exc:
            return self.unusable(request, exc.reason)
        except ValidationError as exc:
            form.add_error(None, exc)
            return render(request, self.template_name, self.context(form=form))
        return render(
            request,
            "portfolios/rate/thanks.html",
            self.context(
                reference=reference, counted=reference.status == ReferenceStatus.COMPLETED
            ),
        )

    def save_draft(self, request, form: RatingForm):
        """Keep what is answered so far; the page comes back with the answers and the count.

        Also saved as the rater answers (htmx posts the form on each change), then only the
        counters are sent back."""
        try:
            reference_save_rating_draft(
                reference=self.reference, scores=form.answers(), comment=form.draft_comment()
            )
        except RatingLinkUnusable as exc:
            return self.unusable(request, exc.reason)
        if request.headers.get("HX-Request"):
            # Saved as the rater answers: the counters come back (htmx swaps them in).
            return render(request, "portfolios/rate/_autosaved.html", {"form": form})
        messages.success(
            request,
            _(
                "Your draft is saved. Come back with the same link to finish: it works until "
                "you send your rating."
            ),
        )
        return HttpResponseRedirect(request.path)
