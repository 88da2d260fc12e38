"""Advisor pages: assigning an advisor, asking for one, comments, the sign-off.

The comments panel and the advisor's line in the portfolio header are rendered on the
portfolio's own pages by the ``advising`` template tags (the panel from ``reviews.panels``).
"""

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView, View

from endorsement.permissions import CoordinatorApplicationMixin
from portfolios.permissions import PortfolioMixin
from reviews.enums import CommentSection
from reviews.forms import AssignAdvisorForm, CommentForm
from reviews.models import Comment
from reviews.panels import comments_panel_context, section_url
from reviews.selectors import advising as reads
from reviews.services import advising
from reviews.services.advising import AdvisingRefused

# --- Coordinator: assign an advisor -------------------------------------------------------


class AssignAdvisorView(CoordinatorApplicationMixin, FormView):
    """Choose one of the association's advisors; shows whether (and when) the applicant asked."""

    form_class = AssignAdvisorForm
    template_name = "reviews/advising/assign.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["advisors"] = reads.advisors_for(application=self.application)
        if self.application.advisor_id:
            kwargs["initial"] = {"advisor": self.application.advisor_id}
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(application=self.application, dashboard_url=self.dashboard_url())
        return context

    def form_valid(self, form):
        advisor = form.cleaned_data["advisor"]
        try:
            advising.advisor_assign(
                application=self.application, advisor=advisor, by=self.request.user
            )
        except AdvisingRefused as exc:
            form.add_error("advisor", str(exc))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(advisor)s is now the advisor of %(applicant)s.")
            % {
                "advisor": advisor.get_full_name(),
                "applicant": self.application.applicant.get_full_name(),
            },
        )
        return HttpResponseRedirect(self.dashboard_url())


# --- Applicant and advisor: buttons on the portfolio --------------------------------------


class PortfolioActionView(PortfolioMixin, View):
    """A POST button on the portfolio's summary: outsiders get 404 (``PortfolioMixin``), people
    who may read the portfolio but not take the step a message."""

    http_method_names = ["post"]

    def summary_url(self) -> str:
        return reverse("portfolios:summary", kwargs={"application_id": self.application.pk})

    def post(self, request, *args, **kwargs):
        try:
            text = self.act()
        except AdvisingRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, text)
        return HttpResponseRedirect(self.summary_url())


class AdvisorRequestView(PortfolioActionView):
    def act(self) -> str:
        advising.advisor_request(application=self.application, by=self.request.user)
        return _("You asked for an advisor. The coordinator will assign one and let you know.")


class MarkReadyView(PortfolioActionView):
    def act(self) -> str:
        advising.advisor_mark_ready(application=self.application, by=self.request.user)
        return _("You marked the portfolio ready for review. The applicant gets an e-mail.")


# --- Comments -----------------------------------------------------------------------------


class CommentActionMixin(PortfolioMixin):
    """Comment forms post here from the panel (plain POST and redirect, or htmx: the panel is
    sent back); only the advisor and the applicant may comment (403 for other readers)."""

    def next_url(self, section: str) -> str:
        url = self.request.POST.get("next", "")
        if url and url_has_allowed_host_and_scheme(
            url, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        ):
            return url
        return section_url(self.application, section)

    def done(self, section: str, *, text: str = "", error: str = "", anchor: str = "comments"):
        if self.request.headers.get("HX-Request"):
            # The application was read before the change: read its comments afresh.
            for name in ("has_comments", "_comment_threads", "_unresolved_by_section"):
                self.application.__dict__.pop(name, None)
            context = comments_panel_context(
                request=self.request, application=self.application, section=section
            )
            context.update(panel_message=text, panel_error=error, htmx=True)
            return TemplateResponse(self.request, "reviews/advising/_panel.html", context)
        if error:
            messages.error(self.request, error)
        elif text:
            messages.success(self.request, text)
        return HttpResponseRedirect(f"{self.next_url(section)}#{anchor}")

    def may_comment(self) -> bool:
        return rules.has_perm("reviews.comment_application", self.request.user, self.application)

    def refused(self, section: str, exc: AdvisingRefused):
        """A refused step: 403 to a reader who may not comment at all, the reason shown to the
        people who may (e.g. a thread already resolved)."""
        if not self.may_comment():
            raise PermissionDenied(str(exc)) from exc
        return self.done(section, error=str(exc))

    def get_comment(self) -> Comment:
        return get_object_or_404(
            reads.comments_of(application=self.application), pk=self.kwargs["pk"]
        )


class CommentAddView(CommentActionMixin, TemplateView):
    """GET: a page to write a comment about one item (the advisor's link on each evidence row)
    or a section. POST: start the thread."""

    template_name = "reviews/advising/comment_add.html"

    def get(self, request, *args, **kwargs):
        if not self.may_comment():
            raise PermissionDenied(_("You may not comment on this portfolio."))
        return super().get(request, *args, **kwargs)

    def target(self, data) -> tuple[str, int | None]:
        section = data.get("section") or CommentSection.GENERAL
        if section not in CommentSection.values:
            section = CommentSection.GENERAL
        try:
            object_id = int(data.get("object_id") or 0) or None
        except ValueError:
            object_id = None
        return section, object_id

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        section, object_id = self.target(self.request.GET)
        item = None
        if object_id is not None:
            item = reads.section_item(
                application=self.application, section=section, object_id=object_id
            )
            if item is None:
                raise Http404
        context.update(
            form=kwargs.get("form") or CommentForm(),
            comment_section=section,
            comment_section_label=CommentSection(section).label,
            item=item,
            object_id=object_id,
            cancel_url=section_url(self.application, section),
        )
        return context

    def post(self, request, *args, **kwargs):
        section, object_id = self.target(request.POST)
        try:
            comment = advising.comment_add(
                application=self.application,
                by=request.user,
                section=section,
                object_id=object_id,
                body=request.POST.get("body", ""),
            )
        except AdvisingRefused as exc:
            return self.refused(section, exc)
        return self.done(section, text=_("Comment added."), anchor=f"comment-{comment.pk}")


class CommentReplyView(CommentActionMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        parent = self.get_comment()
        try:
            reply = advising.comment_reply(
                parent=parent, by=request.user, body=request.POST.get("body", "")
            )
        except AdvisingRefused as exc:
            return self.refused(parent.section, exc)
        return self.done(parent.section, text=_("Reply added."), anchor=f"comment-{reply.pk}")


class CommentResolveView(CommentActionMixin, View):
    http_method_names = ["post"]
    reopen = False

    def post(self, request, *args, **kwargs):
        comment = self.get_comment()
        service = advising.comment_reopen if self.reopen else advising.comment_resolve
        try:
            root = service(comment=comment, by=request.user)
        except AdvisingRefused as exc:
            return self.refused(comment.section, exc)
        text = _("Comment reopened.") if self.reopen else _("Comment resolved.")
        return self.done(root.section, text=text, anchor=f"comment-{root.pk}")
