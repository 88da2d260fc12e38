"""Forms of the references section (the applicant's) and of the rater's page (no account)."""

from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from competencies.selectors import AreaGroup
from portfolios.enums import RaterRelationship, RatingScore
from portfolios.models import Reference
from portfolios.requirements import progress_width

WAIVE_HELP = _("If you waive your right, you will not see this rating; reviewers will.")


class ReferenceInviteForm(forms.ModelForm):
    """Who to ask. Also used to replace a rater (the same questions about the new one)."""

    class Meta:
        model = Reference
        fields = [
            "rater_name",
            "rater_email",
            "relationship",
            "rater_language",
            "applicant_waived_right_to_see",
        ]
        labels = {
            "rater_name": _("Their full name"),
            "rater_email": _("Their e-mail address"),
            "relationship": _("How do they know your work?"),
            "rater_language": _("Language of the e-mail and form they receive"),
        }
        help_texts = {
            "rater_email": _(
                "We send them a personal link to rate you. It works until they send their rating."
            ),
            "applicant_waived_right_to_see": WAIVE_HELP,
        }

    def __init__(self, *args, application, **kwargs):
        self.application = application
        super().__init__(*args, **kwargs)
        self.fields["relationship"].choices = RaterRelationship.choices
        self.fields["rater_language"].choices = settings.LANGUAGES
        if not self.is_bound and not self.initial.get("rater_language"):
            self.initial["rater_language"] = application.applicant.preferred_language
        self.fields["rater_email"].widget.attrs["autocomplete"] = "off"

    def clean_rater_email(self):
        email = self.cleaned_data["rater_email"].strip()
        if email.casefold() == self.application.applicant.email.casefold():
            raise forms.ValidationError(
                _("This is your own e-mail address. Ask someone who knows your work to rate you.")
            )
        return email


def rating_choices() -> list[tuple[str, str]]:
    """Developing … Exceptional, then "not enough information" last."""
    nei = RatingScore.NOT_ENOUGH_INFORMATION
    return [(value, label) for value, label in RatingScore.choices if value != nei] + [
        (nei.value, nei.label)
    ]


@dataclass
class RatingArea:
    """One competency area of the rater's form: its radio groups and how many are answered."""

    area: object
    fields: list
    answered: int

    @property
    def total(self) -> int:
        return len(self.fields)


class RatingForm(forms.Form):
    """One radio group per competency item of the category, grouped by area; a comment.

    ``draft`` (``{competency id: score}``, and ``draft_comment``) fills an unbound form with the
    answers the rater saved. ``answers()`` reads what is answered so far, bound or not, for the
    counter and for saving a draft (a draft may leave items unanswered).
    """

    comment = forms.CharField(
        label=_("Comments (optional)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Anything the reviewers should know about your rating."),
    )

    def __init__(
        self,
        *args,
        areas: list[AreaGroup],
        draft: dict[int, str] | None = None,
        draft_comment: str = "",
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.areas = areas
        self.item_fields: dict[int, str] = {}
        comment = self.fields.pop("comment")
        for group in areas:
            for item in group.items:
                name = f"item_{item.pk}"
                self.fields[name] = forms.ChoiceField(
                    label=item.display_name,
                    choices=rating_choices(),
                    widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                    error_messages={
                        "required": _("Choose a rating, or “Not enough information”."),
                        "invalid_choice": _("Choose one of the ratings shown."),
                    },
                )
                self.item_fields[item.pk] = name
        self.fields["comment"] = comment
        for pk, score in (draft or {}).items():
            if pk in self.item_fields:
                self.initial[self.item_fields[pk]] = score
        if draft_comment:
            self.initial["comment"] = draft_comment

    def answers(self) -> dict[int, str]:
        """{competency id: score} of the items answered with a valid choice, so far."""
        valid = {value for value, _label in rating_choices()}
        answers = {}
        for pk, name in self.item_fields.items():
            value = self.data.get(name) if self.is_bound else self.initial.get(name)
            if value in valid:
                answers[pk] = value
        return answers

    def draft_comment(self) -> str:
        """The comment as typed (for a draft), within the field's length."""
        return str(self.data.get("comment", ""))[: self.fields["comment"].max_length]

    @property
    def item_count(self) -> int:
        return len(self.item_fields)

    @property
    def answered_count(self) -> int:
        return len(self.answers())

    @property
    def answered_width(self) -> int:
        return progress_width(self.answered_count, self.item_count)

    def grouped(self) -> list[RatingArea]:
        """The areas in the page's order, each with its bound fields and answered count."""
        answers = self.answers()
        return [
            RatingArea(
                area=group.area,
                fields=[self[self.item_fields[item.pk]] for item in group.items],
                answered=sum(1 for item in group.items if item.pk in answers),
            )
            for group in self.areas
        ]

    def scores(self) -> dict[int, str]:
        return {pk: self.cleaned_data[name] for pk, name in self.item_fields.items()}
