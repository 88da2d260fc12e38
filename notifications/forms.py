from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.enums import MessageState
from notifications.reminders import days_format, days_parse


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


class ReminderScheduleForm(forms.Form):
    """The association's day counts and on/off for every kind of reminder: fields
    ``days_<kind>`` and ``active_<kind>``; an essential kind cannot be switched off and a kind
    on a fixed day has no day counts."""

    def __init__(self, *args, schedules, **kwargs):
        super().__init__(*args, **kwargs)
        self.schedules = schedules
        for schedule in schedules:
            kind = schedule.kind
            if not kind.fixed:
                self.fields[f"days_{kind.kind}"] = forms.CharField(
                    label=_("Days"),
                    max_length=100,
                    initial=days_format(schedule.days),
                    help_text=kind.days_help,
                )
            self.fields[f"active_{kind.kind}"] = forms.BooleanField(
                label=_("Send"),
                required=False,
                initial=schedule.active,
                disabled=kind.essential,
            )

    def rows(self):
        """(schedule, days field or None, active field) for the template."""
        for schedule in self.schedules:
            kind = schedule.kind.kind
            days = self[f"days_{kind}"] if f"days_{kind}" in self.fields else None
            yield schedule, days, self[f"active_{kind}"]

    def clean(self):
        cleaned = super().clean()
        for schedule in self.schedules:
            name = f"days_{schedule.kind.kind}"
            if name not in self.fields or name not in cleaned:
                continue
            try:
                days = days_parse(cleaned[name])
            except ValueError as error:
                self.add_error(
                    name,
                    _(
                        "“%(value)s” is not a number of days. Write whole numbers from 0 to 730, "
                        "separated by commas, e.g. 30, 60, 90."
                    )
                    % {"value": error.args[0]},
                )
                continue
            if not days:
                self.add_error(
                    name, _("Write at least one number of days, or switch the reminder off.")
                )
                continue
            cleaned[name] = days
        return cleaned

    def values(self) -> dict[str, tuple[tuple[int, ...] | None, bool]]:
        """{kind: (days or None for a fixed day, active)} from the cleaned data."""
        return {
            schedule.kind.kind: (
                self.cleaned_data.get(f"days_{schedule.kind.kind}"),
                bool(self.cleaned_data.get(f"active_{schedule.kind.kind}"))
                or schedule.kind.essential,
            )
            for schedule in self.schedules
        }
