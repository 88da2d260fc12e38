"""The forms of the reviews pages: advising, reviewing and the exam."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from endorsement.models import Application
from reviews.enums import Recommendation, RubricScore
from reviews.services.advising import BODY_MAX_LENGTH

# --- Advising --------------------------------------------------------------------------------


class CommentForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Your comment"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=BODY_MAX_LENGTH,
    )


class AssignAdvisorForm(forms.Form):
    advisor = forms.ModelChoiceField(
        label=gettext_lazy("Advisor"),
        queryset=None,
        empty_label=gettext_lazy("Choose an advisor"),
        help_text=gettext_lazy("The association's advisors. Both people get an e-mail."),
    )

    def __init__(self, *args, advisors, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["advisor"]
        field.queryset = advisors
        field.label_from_instance = lambda user: f"{user.get_full_name()} ({user.email})"


# --- Reviewing -------------------------------------------------------------------------------


class ReviewForm(forms.Form):
    """A rating per competency area (with an optional note), comments and a recommendation."""

    comments = forms.CharField(
        label=gettext_lazy("Comments for the coordinator"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    recommendation = forms.ChoiceField(
        label=gettext_lazy("Recommendation"),
        choices=Recommendation.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    amendments = forms.CharField(
        label=gettext_lazy("What the applicant should amend"),
        help_text=gettext_lazy("Required when you recommend a deferral: the applicant reads it."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, areas, items_by_area=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.areas = areas
        self.items_by_area = items_by_area or {}
        for area in areas:
            self.fields[f"area_{area.pk}"] = forms.ChoiceField(
                label=gettext_lazy("Rating"),
                choices=RubricScore.choices,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[f"note_{area.pk}"] = forms.CharField(
                label=gettext_lazy("Note (optional)"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def area_fields(self):
        """[(area, its items, rating field, note field)] for the template."""
        return [
            (
                area,
                self.items_by_area.get(area.pk, []),
                self[f"area_{area.pk}"],
                self[f"note_{area.pk}"],
            )
            for area in self.areas
        ]

    def ratings(self) -> dict[int, str]:
        return {area.pk: self.cleaned_data.get(f"area_{area.pk}") or "" for area in self.areas}

    def notes(self) -> dict[int, str]:
        return {area.pk: self.cleaned_data.get(f"note_{area.pk}") or "" for area in self.areas}


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=gettext_lazy("Decision"), widget=forms.RadioSelect)
    note = forms.CharField(
        label=gettext_lazy("Reasons for the applicant"),
        help_text=gettext_lazy(
            "Required to defer or deny: the applicant reads it in the e-mail and on their "
            "dashboard. Prefilled with what the reviewers ask the applicant to amend."
        ),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = choices

    def clean_note(self) -> str:
        # Browsers send a textarea's line breaks as CRLF; the e-mail and timeline use LF.
        return self.cleaned_data["note"].replace("\r\n", "\n")


class ConflictForm(forms.Form):
    person_email = forms.EmailField(
        label=gettext_lazy("A person's e-mail"),
        help_text=gettext_lazy(
            "Someone you know well: a colleague, a supervisee, a relative, whether or not they "
            "use the portal yet."
        ),
        required=False,
    )
    organisation = forms.CharField(
        label=gettext_lazy("Or an employer or organisation"),
        help_text=gettext_lazy("Where you work, or an organisation you are close to."),
        required=False,
        max_length=200,
    )
    note = forms.CharField(
        label=gettext_lazy("Note (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


DECISION_LABELS = {
    "approve": gettext_lazy("Approve the portfolio"),
    "defer": gettext_lazy("Defer: the applicant amends the portfolio and submits it again"),
    "hold": gettext_lazy("Put on hold"),
    "deny": gettext_lazy("Deny the endorsement"),
}


# --- Exams -----------------------------------------------------------------------------------


class SittingForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=gettext_lazy("Date and time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=gettext_lazy("In the association's time zone."),
    )
    is_online = forms.BooleanField(label=gettext_lazy("Online"), required=False)
    place = forms.CharField(
        label=gettext_lazy("Place"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Required unless the sitting is online."),
    )
    capacity = forms.IntegerField(label=gettext_lazy("Places"), min_value=1, max_value=1000)
    note = forms.CharField(
        label=gettext_lazy("Note for candidates"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RegisterApplicationForm(forms.Form):
    application = forms.ModelChoiceField(
        label=gettext_lazy("Approved applicant"), queryset=Application.objects.none()
    )

    def __init__(self, *args, queryset=None, choices=None, **kwargs):
        """``queryset`` to check a posted choice; ``choices`` (applications already read) to
        show them without reading them again (``offered``: value and label)."""
        super().__init__(*args, **kwargs)
        field = self.fields["application"]
        field.label_from_instance = lambda application: (
            f"{application.applicant.get_full_name()} – {application.category.code} "
            f"({application.get_state_display()})"
        )
        if queryset is not None:
            field.queryset = queryset
        self.offered = [(a.pk, field.label_from_instance(a)) for a in choices or []]


class Part1Form(forms.Form):
    def __init__(self, *args, questions: int, check_url: str = "", **kwargs):
        """``check_url``: where the typed number is sent (htmx) to say its percentage and
        whether it reaches the pass mark, in ``#part1-check`` under the field."""
        super().__init__(*args, **kwargs)
        self.fields["correct"] = forms.IntegerField(
            label=_("Part 1: correct answers"),
            min_value=0,
            max_value=questions,
            help_text=_("From 0 to %(n)s.") % {"n": questions},
        )
        if check_url:
            self.fields["correct"].widget.attrs.update(
                {
                    "hx-get": check_url,
                    "hx-trigger": "input changed delay:300ms",
                    "hx-target": "#part1-check",
                    "hx-swap": "innerHTML",
                    "aria-describedby": "part1-check id_correct_helptext",
                }
            )


class GradersForm(forms.Form):
    graders = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Graders"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, queryset, count: int, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["graders"]
        field.queryset = queryset
        field.label_from_instance = lambda user: user.get_full_name() or user.email
        field.help_text = _("Choose %(n)s.") % {"n": count}


class ScoreForm(forms.Form):
    percent = forms.IntegerField(
        label=gettext_lazy("Score (%)"),
        min_value=0,
        max_value=100,
        help_text=gettext_lazy("From 0 to 100. Once sent, your score cannot be changed."),
    )
    comments = forms.CharField(
        label=gettext_lazy("Comments"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
