from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portfolios.enums import RSCFormat
from portfolios.forms.common import DateInput, hours_clean
from portfolios.models import RSCEntry

MAX_HOURS = Decimal(500)


class RSCEntryForm(forms.ModelForm):
    class Meta:
        model = RSCEntry
        fields = [
            "provider_name",
            "provider_endorsement_number",
            "format",
            "start",
            "end",
            "hours",
            "about_rsc_provided",
        ]
        widgets = {"format": forms.RadioSelect, "start": DateInput, "end": DateInput}
        help_texts = {
            "provider_endorsement_number": gettext_lazy(
                "If your provider is endorsed, the number on their certificate."
            ),
            "start": gettext_lazy("The first session these hours cover."),
            "end": gettext_lazy("The last session these hours cover."),
            "hours": gettext_lazy("Total hours received between these dates, e.g. 12 or 1.5."),
            "about_rsc_provided": gettext_lazy(
                "Tick this when the sessions were about the reflective supervision/consultation "
                "you give to others."
            ),
        }

    def __init__(self, *args, application, **kwargs):
        self.application = application
        super().__init__(*args, **kwargs)
        self.fields["format"].choices = RSCFormat.choices
        self.fields["hours"].widget.attrs.update(min="0.5", max=str(MAX_HOURS), step="0.5")

    def clean_hours(self):
        return hours_clean(
            self.cleaned_data["hours"],
            most=MAX_HOURS,
            too_many=_("One entry can hold at most %(max)s hours: split longer periods."),
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        today = timezone.localdate()
        if start and start > today:
            self.add_error("start", _("This date is in the future."))
        if end and end > today:
            self.add_error("end", _("This date is in the future."))
        if start and end and end < start:
            self.add_error("end", _("The end date must be on or after the start date."))
        return cleaned
