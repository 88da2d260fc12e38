from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from competencies.enums import EducationLevel
from portfolios.documents import document_clean, document_form_field
from portfolios.enums import TranscriptStatus
from portfolios.forms.common import DateInput, check_dates
from portfolios.models import Education


class EducationForm(forms.ModelForm):
    transcript_file = document_form_field(label=gettext_lazy("Transcript (a copy)"))
    remove_transcript = forms.BooleanField(
        label=gettext_lazy("Remove the transcript I uploaded"), required=False
    )

    class Meta:
        model = Education
        fields = ["level", "credential", "institution", "start", "end"]
        widgets = {"start": DateInput, "end": DateInput}
        help_texts = {
            "level": gettext_lazy("Choose the highest level this credential is."),
            "institution": gettext_lazy("The college, university or program that awarded it."),
            "start": gettext_lazy("When you started, if you remember."),
            "end": gettext_lazy("When you completed it."),
        }

    def __init__(self, *args, application, **kwargs):
        self.application = application
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [("", "---------"), *EducationLevel.choices]
        transcript = self.instance.transcript if self.instance.pk else None
        if transcript is None:
            del self.fields["remove_transcript"]
        else:
            self.fields["transcript_file"].help_text = _(
                "You uploaded %(name)s. Choose a file only to replace it. %(types)s"
            ) % {
                "name": transcript.original_name,
                "types": self.fields["transcript_file"].help_text,
            }

    def clean_transcript_file(self):
        return document_clean(self.cleaned_data.get("transcript_file"))

    def clean(self):
        cleaned = super().clean()
        check_dates(self)
        return cleaned


class TranscriptStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Transcript"), choices=TranscriptStatus.choices, required=True
    )
