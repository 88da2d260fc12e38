"""Helpers of the education tests: a page's URL, a valid form's data, a PDF transcript to upload."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import PDF_BYTES


def url(name, application, **kwargs):
    return reverse(
        f"portfolios:education.{name}", kwargs={"application_id": application.pk, **kwargs}
    )


def valid_data(**overrides):
    data = {
        "level": "bachelor",
        "credential": "BA in Early Childhood Education",
        "institution": "Lakeshore College",
        "start": "2012-09-01",
        "end": "2016-05-31",
    }
    data.update(overrides)
    return data


def pdf(name="transcript.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")
