from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.enums import MessageState


class OutboxSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("Recipient, subject or the e-mail's key."),
    )
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("Any state")), *MessageState.choices],
    )

    def filters(self) -> dict:
        if not self.is_valid():
            return {"q": "", "state": ""}
        return {"q": self.cleaned_data["q"].strip(), "state": self.cleaned_data["state"]}
