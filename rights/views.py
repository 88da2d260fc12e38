"""Data rights pages.

/my-data/                       anyone logged in: what the download holds, and the button
/my-data/download/              the zip of their own data (no id in the address: only one's own)
/a/<slug>/erasure/              the association admin: the association's applicants, searchable
/a/<slug>/erasure/<user id>/    what erasing this applicant removes and keeps; POST erases

The erasure pages are the association admin's (``accounts.manage_association``): anyone else
gets 403, anonymous people are sent to log in, and a person who never applied to this
association is 404.
"""

import logging

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import TemplateView

from accounts.models import User
from accounts.permissions import AssociationRoleRequiredMixin
from audit.enums import DATA_EXPORT
from audit.services import audit_record
from endorsement.models import Application, Endorsement
from rights.erasure import ErasureError, applicant_erase, erased_email, erasure_refusal
from rights.exports import export_zip

logger = logging.getLogger(__name__)

PER_PAGE = 25


class ExportView(LoginRequiredMixin, TemplateView):
    template_name = "rights/export.html"


class ExportDownloadView(LoginRequiredMixin, View):
    """The zip, built while the request waits (under a second for a 200-item portfolio)."""

    def get(self, request, *args, **kwargs):
        user = request.user
        archive = export_zip(user=user)
        audit_record(action=DATA_EXPORT, actor=user, target=user, object_label=user.email)
        logger.info("data rights: user %s downloaded their data", user.pk)
        name = f"my-data-{timezone.now():%Y-%m-%d}.zip"
        response = FileResponse(
            archive, as_attachment=True, filename=name, content_type="application/zip"
        )
        response["Cache-Control"] = "private, no-store"
        return response


class ErasureMixin(AssociationRoleRequiredMixin):
    required_role = None
    required_permission = "accounts.manage_association"
    permission_denied_message = gettext_lazy(
        "Only an admin of this association may erase an applicant's data."
    )

    def applicants(self):
        """People with an application in this association (erased ones included)."""
        return User.objects.filter(
            Exists(
                Application.objects.filter(applicant=OuterRef("pk"), association=self.association)
            )
        )

    def list_url(self) -> str:
        return reverse("rights:erasure", args=[self.association.slug])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["association"] = self.association
        context["list_url"] = self.list_url()
        return context


class ErasureListView(ErasureMixin, TemplateView):
    template_name = "rights/erasure_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        q = (self.request.GET.get("q") or "").strip()[:100]
        people = self.applicants().annotate(
            holds_endorsement=Exists(Endorsement.objects.filter(holder=OuterRef("pk"))),
            applications_here=Count(
                "applications", filter=Q(applications__association=self.association)
            ),
        )
        if q:
            people = people.filter(Q(full_name__icontains=q) | Q(email__icontains=q))
        page = Paginator(people.order_by("full_name", "pk"), PER_PAGE).get_page(
            self.request.GET.get("page")
        )
        for person in page:
            person.is_erased = person.email == erased_email(person.pk)
        context.update(page=page, q=q)
        return context


class ErasureConfirmView(ErasureMixin, TemplateView):
    template_name = "rights/erasure_confirm.html"

    def get_person(self) -> User:
        person = self.applicants().filter(pk=self.kwargs["user_id"]).first()
        if person is None:
            raise Http404
        return person

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = kwargs.get("person") or self.get_person()
        context.update(
            person=person,
            refusal=kwargs.get("error")
            or erasure_refusal(association=self.association, person=person),
            applications=list(
                Application.objects.filter(applicant=person, association=self.association)
                .select_related("category")
                .order_by("created")
            ),
        )
        return context

    def post(self, request, *args, **kwargs):
        person = self.get_person()
        name = person.get_full_name()
        try:
            kept = applicant_erase(association=self.association, person=person, by=request.user)
        except ErasureError as exc:
            return self.render_to_response(
                self.get_context_data(person=person, error=exc.message), status=400
            )
        messages.success(
            request,
            ngettext(
                "The personal data of %(name)s is erased; %(count)d application is kept, "
                "anonymised, for the statistics.",
                "The personal data of %(name)s is erased; %(count)d applications are kept, "
                "anonymised, for the statistics.",
                kept,
            )
            % {"name": name, "count": kept},
        )
        return HttpResponseRedirect(self.list_url())
