"""The association's audit log for its coordinators and admins: search, 50 a page."""

from django.core.paginator import Paginator
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from accounts.permissions import AssociationRoleRequiredMixin
from audit.forms import AuditSearchForm
from audit.selectors import association_entries

PER_PAGE = 50


class AuditLogView(AssociationRoleRequiredMixin, TemplateView):
    """Only the association's coordinators and admins; anyone else: 404 (the log names people
    and what they did)."""

    template_name = "audit/log.html"
    required_permission = "audit.view_log"
    hide_from_others = True

    def get_permission_denied_message(self):
        return _("Only a coordinator or an admin of this association may read its audit log.")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = AuditSearchForm(self.request.GET or None)
        filters = form.filters()
        page = Paginator(
            association_entries(association=self.association, **filters), PER_PAGE
        ).get_page(self.request.GET.get("page"))
        context.update(
            association=self.association,
            filter_form=form,
            filtered=any(value for value in filters.values()),
            page_obj=page,
            rows=list(page.object_list),
        )
        return context
