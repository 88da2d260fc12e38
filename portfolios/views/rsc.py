"""Portfolio section: reflective supervision/consultation (RS/C) received, with the window check."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from portfolios.forms.rsc import RSCEntryForm
from portfolios.models import RSCEntry
from portfolios.rsc_window import rsc_evaluate, rsc_requirements
from portfolios.views.base import (
    EvidenceCreateView,
    EvidenceDeleteView,
    EvidenceListView,
    EvidenceRestoreView,
    EvidenceUpdateView,
    evidence_urls,
)


class RSCMixin:
    model = RSCEntry
    section = "rsc"


class RSCListView(RSCMixin, EvidenceListView):
    template_name = "portfolios/rsc/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entries = list(context["items"])
        results = rsc_evaluate(
            requirements=rsc_requirements(application=self.application), entries=entries
        )
        window = _main_window(results)
        if window is not None:
            counted = {c.entry.pk: c.hours for c in window.entries}
            for entry in entries:
                entry.counted_hours = counted.get(entry.pk)
        context.update(
            items=entries,
            results=results,
            window=window,
            total_hours=sum((entry.hours for entry in entries), Decimal(0)),
        )
        return context


def _main_window(results):
    """The result of the category's main RS/C row when it has a window, else None."""
    for result in results:
        if result.window_start is not None and not result.requirement.topic:
            return result
    return None


class RSCFormMixin(RSCMixin):
    form_class = RSCEntryForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form_title"] = _("Add reflective supervision/consultation")
        return context


class RSCCreateView(RSCFormMixin, EvidenceCreateView):
    pass


class RSCUpdateView(RSCFormMixin, EvidenceUpdateView):
    pass


class RSCDeleteView(RSCMixin, EvidenceDeleteView):
    pass


class RSCRestoreView(RSCMixin, EvidenceRestoreView):
    pass


urlpatterns = evidence_urls(
    "rsc",
    list_view=RSCListView,
    create_view=RSCCreateView,
    update_view=RSCUpdateView,
    delete_view=RSCDeleteView,
    restore_view=RSCRestoreView,
)
