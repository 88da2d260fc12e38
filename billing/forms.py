"""The association admin's forms: the fee schedule, a payment, a waiver, a refund.

Amounts are read as text and turned into ``Decimal`` by ``billing.services.money``, so a
negative, zero or non-numeric amount is refused with the service's own sentence."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from billing.enums import MANUAL_METHODS, WAIVER_METHODS, PaymentMethod
from billing.services import BillingRefused, money


def _method_choices(methods) -> list:
    return [(method.value, method.label) for method in PaymentMethod if method in methods]


class MoneyField(forms.CharField):
    def __init__(self, *, allow_zero: bool = False, **kwargs):
        self.allow_zero = allow_zero
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})

    def clean(self, value):
        value = super().clean(value)
        if value in ("", None) and not self.required:
            return None
        try:
            return money(value, allow_zero=self.allow_zero)
        except BillingRefused as exc:
            raise forms.ValidationError(str(exc)) from None


class IdempotentForm(forms.Form):
    """A token given with the form: sent twice (a double click, a reload), it records once."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("token", uuid.uuid4().hex)


class FeeScheduleForm(forms.Form):
    effective_from = forms.DateField(
        label=_("In force from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    currency = forms.CharField(label=_("Currency"), max_length=3, min_length=3)
    membership_fee = MoneyField(label=_("Membership fee"), allow_zero=True)
    renewal_fee = MoneyField(label=_("Renewal fee"), allow_zero=True)
    late_renewal_fee = MoneyField(label=_("Late renewal fee"), allow_zero=True)
    reinstatement_fee = MoneyField(label=_("Reinstatement fee"), allow_zero=True)
    registration_fee_before_acceptance = forms.BooleanField(
        label=_("The registration fee must be paid before the coordinator accepts a registration"),
        required=False,
    )
    processing_fee_before_submission = forms.BooleanField(
        label=_("The processing fee must be paid before a portfolio is submitted"),
        required=False,
    )

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.category_codes = []
        for category in categories:
            code = category.code
            self.category_codes.append((code, category.display_name))
            self.fields[f"registration_{code}"] = MoneyField(
                label=_("%(code)s: registration fee") % {"code": code}, allow_zero=True
            )
            self.fields[f"processing_{code}"] = MoneyField(
                label=_("%(code)s: processing fee") % {"code": code}, allow_zero=True
            )

    def clean_currency(self):
        currency = self.cleaned_data["currency"].strip().upper()
        if not (currency.isascii() and currency.isalpha()):
            raise forms.ValidationError(_("Use a three-letter currency code, e.g. USD."))
        return currency

    def category_rows(self):
        """(code, name, registration field, processing field) for the template."""
        return [
            (code, name, self[f"registration_{code}"], self[f"processing_{code}"])
            for code, name in self.category_codes
        ]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "effective_from": data["effective_from"],
            "currency": data["currency"],
            "membership_fee": data["membership_fee"],
            "renewal_fee": data["renewal_fee"],
            "late_renewal_fee": data["late_renewal_fee"],
            "reinstatement_fee": data["reinstatement_fee"],
            "registration_fee_before_acceptance": data["registration_fee_before_acceptance"],
            "processing_fee_before_submission": data["processing_fee_before_submission"],
            "category_fees": {
                code: (data[f"registration_{code}"], data[f"processing_{code}"])
                for code, _name in self.category_codes
            },
        }


class PaymentForm(IdempotentForm):
    amount = MoneyField(label=_("Amount"))
    currency = forms.CharField(label=_("Currency"), max_length=3)
    method = forms.ChoiceField(label=_("Paid by"), choices=_method_choices(MANUAL_METHODS))
    reference = forms.CharField(
        label=_("Reference"),
        required=False,
        max_length=100,
        help_text=_("Cheque number or bank transfer reference."),
    )


class WaiverForm(IdempotentForm):
    method = forms.ChoiceField(label=_("Kind"), choices=_method_choices(WAIVER_METHODS))
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )


class RefundForm(IdempotentForm):
    amount = MoneyField(label=_("Amount to refund"))
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )


class WaiverRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you ask for a waiver?"),
        help_text=_("A sentence or two for the association, e.g. what makes the fee hard to pay."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
    )
