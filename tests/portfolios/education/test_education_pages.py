"""Education section: the list (its query counts), add and edit with a transcript, delete and
undo."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portfolios.enums import DocumentKind, TranscriptStatus
from portfolios.models import Document, Education
from tests.factories import PDF_BYTES, DocumentFactory, EducationFactory
from tests.portfolios.education.helpers import pdf, url, valid_data

# --- List -----------------------------------------------------------------------------------


def test_the_owner_sees_the_list_with_transcript_and_download_link(client, owner, education):
    document = DocumentFactory(application=education.application, original_name="ba.pdf")
    education.transcript = document
    education.transcript_status = TranscriptStatus.UPLOADED
    education.save()
    client.force_login(owner)

    response = client.get(url("list", education.application))

    assert response.status_code == 200
    assert list(response.context["items"]) == [education]
    assert response.context["can_edit"] is True
    assert response.context["can_verify"] is False
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "<caption>1 degree or credential</caption>" in html
    assert '<th scope="row">BA in Psychology</th>' in html
    assert "Copy uploaded" in html
    download = reverse(
        "portfolios:document.download",
        kwargs={"application_id": education.application_id, "pk": document.pk},
    )
    assert f'href="{download}"' in html
    assert "(ba.pdf, 50\xa0bytes)" in html
    assert url("edit", education.application, pk=education.pk) in html
    assert url("delete", education.application, pk=education.pk) in html
    # The coordinator's status form is not offered to the applicant.
    assert url("transcript_status", education.application, pk=education.pk) not in html


def test_the_list_says_when_there_is_nothing_yet(client, owner, application):
    client.force_login(owner)

    response = client.get(url("list", application))

    assert "No education listed yet." in response.content.decode()
    assert url("add", application) in response.content.decode()


def test_the_coordinator_sees_the_status_form_but_no_edit_links(client, coordinator, education):
    client.force_login(coordinator)

    response = client.get(url("list", education.application))

    assert response.status_code == 200
    assert response.context["can_verify"] is True
    assert response.context["can_edit"] is False
    html = response.content.decode()
    assert url("transcript_status", education.application, pk=education.pk) in html
    assert f'id="transcript-status-{education.pk}"' in html
    assert url("edit", education.application, pk=education.pk) not in html


def count_queries(client, target) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(target)
    assert response.status_code == 200
    return len(captured)


def test_list_queries_do_not_grow_with_the_entries(client, owner, application):
    client.force_login(owner)
    EducationFactory(application=application, transcript=DocumentFactory(application=application))
    EducationFactory(application=application, deleted_at=timezone.now())
    count_queries(client, url("list", application))  # warm up
    one = count_queries(client, url("list", application))

    for _ in range(12):
        EducationFactory(
            application=application,
            transcript=DocumentFactory(application=application),
            transcript_status=TranscriptStatus.UPLOADED,
        )
        EducationFactory(application=application, deleted_at=timezone.now())
    many = count_queries(client, url("list", application))

    assert many == one
    assert one <= 15


def test_list_queries_for_the_coordinator_do_not_grow(client, coordinator, application):
    client.force_login(coordinator)
    EducationFactory(application=application)
    count_queries(client, url("list", application))
    one = count_queries(client, url("list", application))
    EducationFactory.create_batch(10, application=application)

    assert count_queries(client, url("list", application)) == one


# --- Add and edit ---------------------------------------------------------------------------


def test_adding_education_with_a_transcript_stores_it(client, owner, application, private_storage):
    client.force_login(owner)

    response = client.post(
        url("add", application), {**valid_data(), "transcript_file": pdf("My transcript.pdf")}
    )

    assert response.status_code == 302
    assert response["Location"] == url("list", application)
    education = Education.objects.get()
    assert education.application == application
    assert (education.level, education.credential, education.institution) == (
        "bachelor",
        "BA in Early Childhood Education",
        "Lakeshore College",
    )
    assert (education.start, education.end) == (
        datetime.date(2012, 9, 1),
        datetime.date(2016, 5, 31),
    )
    assert education.transcript_status == TranscriptStatus.UPLOADED
    document = education.transcript
    assert document.kind == DocumentKind.TRANSCRIPT
    assert document.original_name == "My transcript.pdf"
    assert document.application == application
    assert document.uploaded_by == owner
    assert (private_storage / document.file.name).read_bytes() == PDF_BYTES


def test_adding_education_without_a_transcript(client, owner, application):
    client.force_login(owner)

    response = client.post(url("add", application), valid_data(start=""))

    assert response.status_code == 302
    education = Education.objects.get()
    assert education.start is None
    assert education.transcript is None
    assert education.transcript_status == TranscriptStatus.NOT_PROVIDED
    assert Document.objects.count() == 0


def test_a_file_that_is_not_a_document_is_refused_on_the_field_and_the_rest_kept(
    client, owner, application
):
    client.force_login(owner)
    fake = SimpleUploadedFile("transcript.pdf", b"not a pdf", content_type="application/pdf")

    response = client.post(url("add", application), {**valid_data(), "transcript_file": fake})

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {
        "transcript_file": ["This file is not a PDF, JPEG, PNG or Word (.docx) document."]
    }
    html = response.content.decode()
    assert 'value="BA in Early Childhood Education"' in html
    assert 'value="Lakeshore College"' in html
    assert 'accept=".pdf,.jpg,.jpeg,.png,.docx"' in html
    assert Education.objects.count() == 0
    assert Document.objects.count() == 0


def test_a_virus_is_refused_on_the_field(client, owner, application, settings, tmp_path):
    """With a scanner configured but not answering, nothing is stored."""
    settings.CLAMAV_SOCKET = str(tmp_path / "missing.sock")
    client.force_login(owner)

    response = client.post(url("add", application), {**valid_data(), "transcript_file": pdf()})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "transcript_file": [
            "We could not check this file for viruses just now, so it was not saved. "
            "Please try again later."
        ]
    }
    assert Education.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (
            {"start": "2016-09-01", "end": "2016-05-31"},
            {"end": ["This date is before the start date."]},
        ),
        (
            {"start": "2999-09-01", "end": ""},
            {"start": ["This date is in the future: enter a date up to today."]},
        ),
        (
            {"end": "2999-05-31"},
            {"end": ["This date is in the future: enter a date up to today."]},
        ),
        (
            {"credential": "", "institution": "", "level": ""},
            {
                "credential": ["This field is required."],
                "institution": ["This field is required."],
                "level": ["This field is required."],
            },
        ),
    ],
)
def test_invalid_education_is_refused(client, owner, application, data, errors):
    client.force_login(owner)

    response = client.post(url("add", application), valid_data(**data))

    assert response.status_code == 200
    assert response.context["form"].errors == errors
    assert Education.objects.count() == 0


def test_today_is_not_in_the_future(client, owner, application):
    client.force_login(owner)
    # The portfolio's pages are in the association's time zone: so is "today".
    today = application.association.today().isoformat()

    response = client.post(url("add", application), valid_data(start=today, end=today))

    assert response.status_code == 302


def test_the_edit_form_names_the_uploaded_transcript(client, owner, education):
    education.transcript = DocumentFactory(application=education.application, original_name="a.pdf")
    education.save()
    client.force_login(owner)

    response = client.get(url("edit", education.application, pk=education.pk))

    assert response.status_code == 200
    form = response.context["form"]
    assert str(form.fields["transcript_file"].help_text) == (
        "You uploaded a.pdf. Choose a file only to replace it. "
        "PDF, JPEG, PNG or Word (.docx), up to 10.0\xa0MB."
    )
    assert "remove_transcript" in form.fields


def test_editing_replaces_the_transcript_and_keeps_an_official_status(client, owner, education):
    old = DocumentFactory(application=education.application)
    education.transcript = old
    education.transcript_status = TranscriptStatus.OFFICIAL_RECEIVED
    education.save()
    client.force_login(owner)

    response = client.post(
        url("edit", education.application, pk=education.pk),
        {**valid_data(credential="BA in Psychology (honours)"), "transcript_file": pdf("new.pdf")},
    )

    assert response.status_code == 302
    education.refresh_from_db()
    assert education.credential == "BA in Psychology (honours)"
    assert education.transcript.original_name == "new.pdf"
    assert education.transcript_id != old.pk
    assert education.transcript_status == TranscriptStatus.OFFICIAL_RECEIVED


def test_editing_without_a_file_keeps_the_transcript(client, owner, education):
    document = DocumentFactory(application=education.application)
    education.transcript = document
    education.transcript_status = TranscriptStatus.UPLOADED
    education.save()
    client.force_login(owner)

    client.post(url("edit", education.application, pk=education.pk), valid_data())

    education.refresh_from_db()
    assert education.transcript_id == document.pk
    assert education.transcript_status == TranscriptStatus.UPLOADED


def test_removing_the_transcript(client, owner, education):
    education.transcript = DocumentFactory(application=education.application)
    education.transcript_status = TranscriptStatus.UPLOADED
    education.save()
    client.force_login(owner)

    client.post(
        url("edit", education.application, pk=education.pk),
        {**valid_data(), "remove_transcript": "on"},
    )

    education.refresh_from_db()
    assert education.transcript is None
    assert education.transcript_status == TranscriptStatus.NOT_PROVIDED


def test_saving_a_draft_keeps_what_was_typed(client, owner, application):
    client.force_login(owner)

    response = client.post(
        url("add", application), {"credential": "MA in Social Work", "save_draft": "1"}
    )

    assert response.status_code == 302
    assert Education.objects.count() == 0
    response = client.get(url("add", application))
    assert response.context["restored_draft"] is True
    assert 'value="MA in Social Work"' in response.content.decode()


# --- Delete and undo ------------------------------------------------------------------------


def test_delete_asks_first_then_can_be_undone(client, owner, education):
    application = education.application
    client.force_login(owner)

    response = client.get(url("delete", application, pk=education.pk))
    assert response.status_code == 200
    assert "Delete “BA in Psychology, Northfield State University”?" in response.content.decode()
    education.refresh_from_db()
    assert education.deleted_at is None

    response = client.post(url("delete", application, pk=education.pk))
    assert response.status_code == 302
    education.refresh_from_db()
    assert education.deleted_at is not None

    response = client.get(url("list", application))
    assert list(response.context["items"]) == []
    assert list(response.context["deleted_items"]) == [education]
    assert url("restore", application, pk=education.pk) in response.content.decode()

    response = client.post(url("restore", application, pk=education.pk))
    assert response.status_code == 302
    education.refresh_from_db()
    assert education.deleted_at is None
