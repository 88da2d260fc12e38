"""The reason and note boxes of the workflow steps: which is required, how long, how large."""

import pytest

from endorsement.forms import DenyForm, ReturnRegistrationForm, StepNoteForm, WithdrawForm


@pytest.mark.parametrize(
    ("form_class", "name", "label", "required", "max_length", "rows"),
    [
        (ReturnRegistrationForm, "reason", "Reason for returning it", True, 2000, 4),
        (StepNoteForm, "note", "Note", False, 2000, 3),
        (DenyForm, "note", "Reasons for the denial", True, 4000, 4),
        (WithdrawForm, "note", "Reason (optional)", False, 2000, 3),
    ],
)
def test_reason_boxes(form_class, name, label, required, max_length, rows):
    field = form_class().fields[name]
    assert (str(field.label), field.required, field.max_length) == (label, required, max_length)
    assert field.widget.attrs == {"cols": "40", "rows": rows, "maxlength": str(max_length)}


@pytest.mark.parametrize(
    ("form_class", "name", "errors"),
    [
        (ReturnRegistrationForm, "reason", {"reason": ["This field is required."]}),
        (StepNoteForm, "note", {}),
        (DenyForm, "note", {"note": ["This field is required."]}),
        (WithdrawForm, "note", {}),
    ],
)
def test_an_empty_reason_is_refused_only_where_required(form_class, name, errors):
    form = form_class({name: "  "})
    form.is_valid()
    assert form.errors == errors


def test_a_too_long_denial_is_refused():
    form = DenyForm({"note": "x" * 4001})
    assert form.is_valid() is False
    assert form.errors == {"note": ["Ensure this value has at most 4000 characters (it has 4001)."]}
