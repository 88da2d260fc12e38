"""What the evidence forms share: the date picker, the date checks and the hours checks."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _


class DateInput(forms.DateInput):
    """The browser's date picker; the value in ISO format, as it expects."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def check_dates(form: forms.Form, *, start_field: str = "start", end_field: str = "end") -> None:
    """Errors on the fields: no date after today, no end before the start."""
    today = timezone.localdate()
    start = form.cleaned_data.get(start_field)
    end = form.cleaned_data.get(end_field)
    for name, value in ((start_field, start), (end_field, end)):
        if value and value > today:
            form.add_error(name, _("This date is in the future: enter a date up to today."))
    if start and end and end < start:
        form.add_error(end_field, _("This date is before the start date."))


def hours_clean(hours: Decimal | None, *, most: Decimal, too_many: str) -> Decimal | None:
    """More than 0 hours and at most ``most``; ``too_many`` says so (its ``%(max)s`` is
    ``most``)."""
    if hours is not None and hours <= 0:
        raise forms.ValidationError(_("Enter more than 0 hours."), code="min_hours")
    if hours is not None and hours > most:
        raise forms.ValidationError(too_many % {"max": most}, code="max_hours")
    return hours
