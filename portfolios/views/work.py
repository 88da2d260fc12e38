"""Portfolio section: work experience, with the qualifying years each requirement counts."""

from django.utils.translation import gettext_lazy

from competencies.selectors import category_requirements
from portfolios.forms.work import WorkExperienceForm
from portfolios.models import WorkExperience
from portfolios.views.base import (
    EvidenceCreateView,
    EvidenceDeleteView,
    EvidenceListView,
    EvidenceRestoreView,
    EvidenceUpdateView,
)
from portfolios.work_years import FULL_TIME_HOURS, RULES, qualifying_work, work_requirements


class WorkMixin:
    model = WorkExperience
    section = "work"


class WorkListView(WorkMixin, EvidenceListView):
    template_name = "portfolios/work/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entries = list(context["items"])
        requirements = work_requirements(
            category_requirements(category_id=self.application.category_id)
        )
        today = self.application.association.today()
        context.update(
            items=entries,
            work_years=[
                qualifying_work(
                    application=self.application,
                    requirement=requirement,
                    entries=entries,
                    today=today,
                )
                for requirement in requirements
            ],
            work_rules=RULES,
            full_time_hours=FULL_TIME_HOURS,
        )
        return context


class WorkFormMixin(WorkMixin):
    form_class = WorkExperienceForm
    form_title = gettext_lazy("Add work experience")


class WorkCreateView(WorkFormMixin, EvidenceCreateView):
    pass


class WorkUpdateView(WorkFormMixin, EvidenceUpdateView):
    pass


class WorkDeleteView(WorkMixin, EvidenceDeleteView):
    pass


class WorkRestoreView(WorkMixin, EvidenceRestoreView):
    pass
