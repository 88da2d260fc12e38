from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from competencies.enums import WorkKind
from portfolios.forms.common import DateInput, check_dates, hours_clean
from portfolios.models import WorkExperience

MAX_HOURS_PER_WEEK = Decimal(80)


class WorkExperienceForm(forms.ModelForm):
    class Meta:
        model = WorkExperience
        fields = [
            "employer",
            "role",
            "start",
            "end",
            "hours_per_week",
            "population_served",
            "work_kind",
            "is_paid",
            "is_dyadic",
            "supervisor_name",
            "supervisor_email",
        ]
        widgets = {"start": DateInput, "end": DateInput}
        labels = {"role": gettext_lazy("Your role or job title")}
        help_texts = {
            "employer": gettext_lazy("The program or agency you worked for."),
            "end": gettext_lazy("Leave empty if you still work there."),
            "hours_per_week": gettext_lazy(
                "Your usual hours a week, e.g. 20 or 37.5. 35 hours or more count as full time."
            ),
            "population_served": gettext_lazy(
                "Who you worked with, e.g. families with infants and toddlers."
            ),
            "work_kind": gettext_lazy(
                "The kind of work it was. Only work of the kind a requirement asks for counts "
                "towards it."
            ),
            "is_dyadic": gettext_lazy(
                "Tick this if you worked with the child and parent or caregiver together."
            ),
            "supervisor_name": gettext_lazy("Who supervised you there, if anyone."),
        }

    def __init__(self, *args, application, **kwargs):
        self.application = application
        super().__init__(*args, **kwargs)
        self.fields["work_kind"].choices = [("", "---------"), *WorkKind.choices]
        self.fields["hours_per_week"].widget.attrs.update(
            min="0.5", max=str(MAX_HOURS_PER_WEEK), step="0.5"
        )

    def clean_hours_per_week(self):
        return hours_clean(
            self.cleaned_data["hours_per_week"],
            most=MAX_HOURS_PER_WEEK,
            too_many=_("Enter at most %(max)s hours a week."),
        )

    def clean(self):
        cleaned = super().clean()
        check_dates(self)
        return cleaned
