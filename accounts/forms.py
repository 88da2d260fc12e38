from django import forms
from django.conf import settings
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext_lazy as _

from accounts.enums import (
    Discipline,
    MemberStanding,
    RaceEthnicity,
    ServiceLanguage,
    WorkSetting,
)
from accounts.models import User


def language_choices() -> list[tuple[str, str]]:
    """Each language in its own name ("Español"), so a reader finds theirs whatever is shown."""
    return [
        (code, get_language_info(code)["name_local"].capitalize())
        for code, _name in settings.LANGUAGES
    ]


class SignupExtraForm(forms.Form):
    """Extra fields on allauth's sign-up form."""

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        help_text=_("As it should appear on your certificate."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    preferred_language = forms.ChoiceField(label=_("Preferred language"), choices=())

    field_order = ["full_name", "email", "password1", "password2", "preferred_language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preferred_language"].choices = language_choices()
        self.fields["preferred_language"].initial = (get_language() or "en")[:2]

    def signup(self, request, user: User) -> None:
        user.full_name = self.cleaned_data["full_name"]
        user.preferred_language = self.cleaned_data["preferred_language"]
        user.save(update_fields=["full_name", "preferred_language"])


class ProfileForm(forms.ModelForm):
    """The person's name, language, time zone and e-mail choices. ``optional_emails`` is not a
    field of the account: it is whether the address receives non-essential e-mail
    (``EmailOptOut``, keyed by address, which the view writes)."""

    optional_emails = forms.BooleanField(
        label=_("Send me reminders and comment notifications"),
        required=False,
        help_text=_(
            "Untick to stop them. Decisions, renewals, payments, invitations and account "
            "e-mails are always sent."
        ),
    )

    class Meta:
        model = User
        fields = ["full_name", "preferred_language", "time_zone", "comment_emails"]
        widgets = {"comment_emails": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preferred_language"].choices = language_choices()
        zones = self.fields["time_zone"].choices[1:]
        self.fields["time_zone"].choices = [("", _("Each association's own")), *zones]
        self.fields["time_zone"].help_text = _("Dates and times are shown in this time zone.")
        self.fields["comment_emails"].label = _("E-mails about new comments on a portfolio")
        self.fields["comment_emails"].help_text = _(
            "Comments from your advisor, or for advisors the applicant's replies."
        )
        # A form posted without the choice keeps the person's current one.
        self.fields["comment_emails"].required = False

    def clean_comment_emails(self):
        return self.cleaned_data.get("comment_emails") or self.instance.comment_emails


class MemberFilterForm(forms.Form):
    """The member list's search and filter (from the query string; invalid values ignored)."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        help_text=_("A name, an e-mail address or a member number."),
    )
    standing = forms.ChoiceField(label=_("Membership"), required=False, choices=())

    def __init__(self, data):
        super().__init__(data)
        self.fields["standing"].choices = [
            ("", _("Any")),
            *[(s.value, s.label) for s in MemberStanding if s != MemberStanding.NONE],
        ]

    def filters(self) -> dict:
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {
            "q": (cleaned.get("q") or "").strip(),
            "standing": cleaned.get("standing") or "",
        }


class WorkforceProfileForm(forms.Form):
    """The person's professional profile, in plain words; only the work setting is required."""

    work_setting = forms.ChoiceField(
        label=_("Where do you mainly work with families?"),
        choices=WorkSetting.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the place where you mainly work.")},
    )
    discipline = forms.ChoiceField(
        label=_("Your professional field (optional)"),
        required=False,
        choices=(),
    )
    region = forms.CharField(
        label=_("County or region where you serve families (optional)"),
        required=False,
        max_length=100,
        help_text=_("For example: Hartford County, or the north of the state."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages in which you serve families (optional)"),
        required=False,
        choices=ServiceLanguage.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose every language you use with families."),
    )
    other_languages = forms.CharField(
        label=_("Other languages (optional)"),
        required=False,
        max_length=200,
        help_text=_("Languages not in the list, separated by commas."),
    )
    race_ethnicity = forms.MultipleChoiceField(
        label=_("Race or ethnicity (optional)"),
        required=False,
        choices=RaceEthnicity.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Choose all that apply, or “Prefer not to say”. Your association counts these only "
            "as totals, never by name."
        ),
    )
    race_ethnicity_description = forms.CharField(
        label=_("Race or ethnicity in your own words (optional)"),
        required=False,
        max_length=200,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["discipline"].choices = [("", _("Choose one")), *Discipline.choices]

    def clean_race_ethnicity(self):
        chosen = self.cleaned_data["race_ethnicity"]
        if RaceEthnicity.PREFER_NOT in chosen and len(chosen) > 1:
            raise forms.ValidationError(
                _("“Prefer not to say” cannot be chosen together with another answer.")
            )
        return chosen

    def clean(self):
        cleaned = super().clean()
        if RaceEthnicity.PREFER_NOT in cleaned.get("race_ethnicity", []):
            cleaned["race_ethnicity_description"] = ""
        return cleaned
