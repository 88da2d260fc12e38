from decimal import Decimal

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from competencies.models import Competency
from competencies.selectors import category_areas
from portfolios import csv_import
from portfolios.documents import document_clean, document_form_field
from portfolios.enums import TrainingFormat
from portfolios.forms.common import DateInput, hours_clean
from portfolios.models import Training

MAX_HOURS = Decimal(200)


class GroupedCheckboxes(forms.widgets.ChoiceWidget):
    """Checkboxes grouped under headings: one fieldset with a legend per group.

    Give it grouped choices, ``[(heading, [(value, label), …]), …]``. Not a
    CheckboxSelectMultiple on purpose: crispy-forms would render that one flat.
    """

    allow_multiple_selected = True
    input_type = "checkbox"
    template_name = "portfolios/training/_grouped_checkboxes.html"
    option_template_name = "django/forms/widgets/checkbox_option.html"
    use_fieldset = True

    def get_context(self, name, value, attrs):
        # crispy-forms passes Bootstrap's input classes; they go on the checkboxes by hand.
        css = f"{self.attrs.get('class', '')} {(attrs or {}).get('class', '')}".split()
        context = super().get_context(name, value, attrs)
        context["widget"]["invalid"] = "is-invalid" in css
        return context

    def create_option(self, *args, **kwargs):
        option = super().create_option(*args, **kwargs)
        option["attrs"].pop("class", None)
        return option

    def use_required_attribute(self, initial):
        return False

    def value_from_datadict(self, data, files, name):
        getter = getattr(data, "getlist", None)
        if getter is not None:
            return getter(name)
        value = data.get(name)
        if value is None:
            return []
        return value if isinstance(value, list) else [value]

    def value_omitted_from_data(self, data, files, name):
        return False

    def id_for_label(self, id_, index=None):
        return f"{id_}_{index}" if index is not None and id_ else ""


class TrainingForm(forms.ModelForm):
    certificate_file = document_form_field(label=gettext_lazy("Certificate"))
    remove_certificate = forms.BooleanField(
        label=gettext_lazy("Remove the certificate"), required=False
    )

    class Meta:
        model = Training
        fields = [
            "title",
            "provider",
            "date",
            "hours",
            "format",
            "competencies",
            "is_dei",
            "is_rsc",
        ]
        widgets = {"date": DateInput, "competencies": GroupedCheckboxes}
        labels = {"competencies": gettext_lazy("Competency items this training addressed")}
        help_texts = {
            "provider": gettext_lazy("The organization or person who gave the training."),
            "date": gettext_lazy("The day it ended, for a course or series."),
            "hours": gettext_lazy("Hours of training, e.g. 6 or 1.5 (at most 200)."),
            "competencies": gettext_lazy("Tick every item the training covered."),
            "is_dei": gettext_lazy(
                "Tick this if the training was about diversity, equity and inclusion."
            ),
            "is_rsc": gettext_lazy(
                "Tick this if the training was about providing reflective supervision/consultation."
            ),
        }

    def __init__(self, *args, application, **kwargs):
        self.application = application
        super().__init__(*args, **kwargs)
        field = self.fields["competencies"]
        field.queryset = Competency.objects.filter(categories=application.category_id)
        field.widget.choices = [
            (group.area.display_name, [(item.pk, item.display_name) for item in group.items])
            for group in category_areas(category=application.category)
        ]
        field.error_messages["required"] = _("Tick at least one competency item.")
        self.fields["format"].choices = [("", _("Choose the format")), *TrainingFormat.choices]
        self.fields["hours"].widget.attrs.update(min="0.5", max=str(MAX_HOURS), step="0.5")
        self.fields["date"].widget.attrs["max"] = timezone.localdate().isoformat()
        if not (self.instance.pk and self.instance.certificate_id):
            del self.fields["remove_certificate"]

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date and date > timezone.localdate():
            raise forms.ValidationError(_("This date is in the future."), code="future")
        return date

    def clean_hours(self):
        return hours_clean(
            self.cleaned_data["hours"],
            most=MAX_HOURS,
            too_many=_("One training can count for at most %(max)s hours."),
        )

    def clean_certificate_file(self):
        return document_clean(self.cleaned_data.get("certificate_file"))


class TrainingImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet saved as CSV"),
        help_text=gettext_lazy("A .csv file of at most 1 MB and 500 rows."),
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args, application, **kwargs):
        self.application = application
        self.rows: list[dict] = []
        super().__init__(*args, **kwargs)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > csv_import.MAX_BYTES:
            raise forms.ValidationError(
                _("This file is %(size)s; the largest file accepted is %(limit)s.")
                % {
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(csv_import.MAX_BYTES),
                },
                code="too_large",
            )
        try:
            self.rows = csv_import.read_csv(upload.read())
        except csv_import.ImportFileError as exc:
            raise forms.ValidationError(str(exc), code="unreadable") from exc
        return upload
