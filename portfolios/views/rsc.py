"""Portfolio section: reflective supervision/consultation (RS/C) received, with the window check."""

from decimal import Decimal

from django.utils.translation import gettext_lazy

from competencies.enums import RequirementKind
from competencies.selectors import requirements_of_kind
from portfolios.forms.rsc import RSCEntryForm
from portfolios.models import RSCEntry
from portfolios.rsc_window import rsc_evaluate
from portfolios.views.base import (
    EvidenceCreateView,
    EvidenceDeleteView,
    EvidenceListView,
    EvidenceRestoreView,
    EvidenceUpdateView,
)


class RSCMixin:
    model = RSCEntry
    section = "rsc"


class RSCListView(RSCMixin, EvidenceListView):
    """The entries, with the hours of each that count toward the requirement's window.

    Whether the requirements are met is shown by the section's requirement check (the panel of
    ``portfolios/_check.html``, computed with the same ``rsc_evaluate``); the entries and the
    requirement rows that check has read are reused here rather than read again.
    """

    template_name = "portfolios/rsc/list.html"

    def get_queryset(self):
        entries = self.get_check().evidence.get("rsc")
        return entries if entries is not None else list(super().get_queryset())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entries = context["items"]
        requirements = requirements_of_kind(self.application.category, RequirementKind.RSC)
        results = rsc_evaluate(requirements=requirements, entries=entries)
        window = _main_window(results)
        if window is not None:
            counted = {c.entry.pk: c.hours for c in window.entries}
            for entry in entries:
                entry.counted_hours = counted.get(entry.pk)
        context.update(
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
    form_title = gettext_lazy("Add reflective supervision/consultation")


class RSCCreateView(RSCFormMixin, EvidenceCreateView):
    pass


class RSCUpdateView(RSCFormMixin, EvidenceUpdateView):
    pass


class RSCDeleteView(RSCMixin, EvidenceDeleteView):
    pass


class RSCRestoreView(RSCMixin, EvidenceRestoreView):
    pass
