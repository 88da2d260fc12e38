"""Forms of the start: the eligibility questions and the registration's brief details."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from competencies.enums import EducationLevel

EDUCATION_CHOICES = [("", _("Choose one")), *EducationLevel.choices]


def _hours_field(label, help_text, max_digits=5):
    return forms.DecimalField(
        label=label,
        help_text=help_text,
        min_value=Decimal(0),
        max_digits=max_digits,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
    )


class EligibilityForm(forms.Form):
    """A few plain questions; the answers are not stored."""

    education = forms.ChoiceField(label=_("Your highest education"), choices=EDUCATION_CHOICES)
    work_years = _hours_field(
        _("Years of paid work with infants or young children and their families"),
        _("Count full-time years: two years at half time make one year. Write 0 if none."),
        max_digits=4,
    )
    dyadic = forms.BooleanField(
        label=_(
            "This work was after a master's degree and with parents and their infants or young "
            "children together (post-graduate, dyadic work)"
        ),
        required=False,
    )
    training_hours = _hours_field(
        _("Hours of specialized in-service training so far"),
        _(
            "Workshops, courses and conferences about infants, young children and families. "
            "Write 0 if none."
        ),
        max_digits=6,
    )
    rsc_hours = _hours_field(
        _("Hours of reflective supervision/consultation (RS/C) received so far"),
        _(
            "Regular meetings with an experienced supervisor or consultant about your work "
            "with families. Write 0 if none."
        ),
    )

    def __init__(self, *args, application=None, **kwargs):
        super().__init__(*args, **kwargs)


class RegistrationForm(forms.Form):
    """The brief details the coordinator reads before accepting a registration."""

    education = forms.ChoiceField(label=_("Your highest education"), choices=EDUCATION_CHOICES)
    work_years = _hours_field(
        _("Years of related work"),
        _("Paid work with infants or young children and their families, in full-time years."),
        max_digits=4,
    )
    rsc_hours = _hours_field(
        _("Hours of reflective supervision/consultation (RS/C) so far"),
        _("Write 0 if none yet."),
    )
    note = forms.CharField(
        label=_("Anything the coordinator should know (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, application=None, **kwargs):
        super().__init__(*args, **kwargs)
        if application is not None and not self.is_bound:
            self.initial.update(
                education=application.registration_education,
                work_years=application.registration_work_years,
                rsc_hours=application.registration_rsc_hours,
                note=application.registration_note,
            )

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "education": data["education"],
            "work_years": data["work_years"],
            "rsc_hours": data["rsc_hours"],
            "note": data["note"].strip(),
        }
