"""The forms of the People pages (``accounts.people_views``)."""

from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.utils.translation import gettext_lazy as _

from accounts.forms import language_choices
from accounts.people import STAFF_ROLES


def role_choices() -> list[tuple[str, str]]:
    return [(role.value, role.label) for role in STAFF_ROLES]


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        required=False,
        help_text=_("Used to greet them; they can correct it."),
    )
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=role_choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one role.")},
    )
    language = forms.ChoiceField(
        label=_("Language of the invitation"),
        choices=language_choices,
        initial="en",
        help_text=_("Someone who already has an account gets the e-mail in their own language."),
    )


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=role_choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class PeopleSearchForm(forms.Form):
    q = forms.CharField(label=_("Name or e-mail"), required=False, max_length=200)
    role = forms.ChoiceField(
        label=_("Role"),
        required=False,
        choices=lambda: [("", _("Any role")), *role_choices()],
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def values(self) -> tuple[str, str]:
        if not self.is_valid():
            return "", ""
        return self.cleaned_data["q"].strip(), self.cleaned_data["role"]


class JoinForm(SetPasswordForm):
    """The invitee's name and their new password (checked by the site's password rules)."""

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    field_order = ["full_name", "new_password1", "new_password2"]
