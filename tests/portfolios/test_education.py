"""Education section: list, add/edit with a transcript, delete and undo, transcript status."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from endorsement.enums import ApplicationState
from portfolios.enums import DocumentKind, TranscriptStatus
from portfolios.models import Document, Education, EvidenceChange
from tests.factories import (
    PDF_BYTES,
    ApplicationFactory,
    DocumentFactory,
    EducationFactory,
    EndorsementCategoryFactory,
    FrameworkFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }
    settings.CLAMAV_SOCKET = ""
    return tmp_path / "private"


@pytest.fixture
def application(association):
    category = EndorsementCategoryFactory(
        framework=FrameworkFactory(association=association), code="IFS"
    )
    return ApplicationFactory(category=category, state=ApplicationState.ACCEPTED)


@pytest.fixture
def owner(application):
    return application.applicant


@pytest.fixture
def coordinator(make_staff, association):
    return make_staff(Role.COORDINATOR, association)


@pytest.fixture
def education(application):
    return EducationFactory(
        application=application,
        credential="BA in Psychology",
        institution="Northfield State University",
    )


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


# --- Transcript status ----------------------------------------------------------------------


def test_the_coordinator_marks_the_official_transcript_received(client, coordinator, education):
    client.force_login(coordinator)

    response = client.post(
        url("transcript_status", education.application, pk=education.pk),
        {"status": "official_received"},
    )

    assert response.status_code == 302
    assert response["Location"] == url("list", education.application)
    education.refresh_from_db()
    assert education.transcript_status == TranscriptStatus.OFFICIAL_RECEIVED


def test_the_coordinator_can_mark_a_submitted_portfolio_and_it_is_kept_as_history(
    client, coordinator, association
):
    category = EndorsementCategoryFactory(framework=FrameworkFactory(association=association))
    submitted = ApplicationFactory(
        category=category, state=ApplicationState.SUBMITTED, submitted_at=timezone.now()
    )
    education = EducationFactory(application=submitted)
    client.force_login(coordinator)

    client.post(
        url("transcript_status", submitted, pk=education.pk), {"status": "official_received"}
    )

    education.refresh_from_db()
    assert education.transcript_status == TranscriptStatus.OFFICIAL_RECEIVED
    change = EvidenceChange.objects.get()
    assert (change.section, change.object_id, change.action, change.by) == (
        "education",
        education.pk,
        "transcript_status",
        coordinator,
    )
    assert change.before["transcript_status"] == "not_provided"
    assert change.after["transcript_status"] == "official_received"


def test_an_unknown_status_is_refused(client, coordinator, education):
    client.force_login(coordinator)

    response = client.post(
        url("transcript_status", education.application, pk=education.pk), {"status": "forged"}
    )

    assert response.status_code == 302
    education.refresh_from_db()
    assert education.transcript_status == TranscriptStatus.NOT_PROVIDED


def test_the_applicant_cannot_set_the_transcript_status(client, owner, education):
    client.force_login(owner)

    response = client.post(
        url("transcript_status", education.application, pk=education.pk),
        {"status": "official_received"},
    )

    assert response.status_code == 403
    education.refresh_from_db()
    assert education.transcript_status == TranscriptStatus.NOT_PROVIDED


def test_the_transcript_status_url_takes_only_post(client, coordinator, education):
    client.force_login(coordinator)

    response = client.get(url("transcript_status", education.application, pk=education.pk))

    assert response.status_code == 405


# --- Refusals on every URL ------------------------------------------------------------------

ALL = ["list", "add", "edit", "delete", "restore", "transcript_status"]


def _request(client, name, education):
    application = education.application
    kwargs = {} if name in ("list", "add") else {"pk": education.pk}
    target = url(name, application, **kwargs)
    if name in ("restore", "transcript_status"):
        return client.post(target, {"status": "official_received"})
    return client.get(target)


@pytest.mark.parametrize("name", ALL)
def test_another_applicant_gets_404(client, name, education):
    client.force_login(UserFactory())

    assert _request(client, name, education).status_code == 404


@pytest.mark.parametrize("name", ALL)
def test_a_coordinator_of_another_association_gets_404(
    client, make_staff, other_association, name, education
):
    client.force_login(make_staff(Role.COORDINATOR, other_association))

    assert _request(client, name, education).status_code == 404


@pytest.mark.parametrize("name", ALL)
def test_anonymous_is_sent_to_log_in(client, name, education):
    response = _request(client, name, education)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login") + "?next=")


@pytest.mark.parametrize("name", ["add", "edit", "delete", "restore"])
def test_the_coordinator_cannot_change_the_applicants_evidence(
    client, coordinator, name, education
):
    client.force_login(coordinator)

    assert _request(client, name, education).status_code == 404


@pytest.mark.parametrize("name", ["add", "edit", "delete", "restore"])
def test_after_submission_the_owner_gets_403(client, association, name):
    category = EndorsementCategoryFactory(framework=FrameworkFactory(association=association))
    submitted = ApplicationFactory(category=category, state=ApplicationState.SUBMITTED)
    education = EducationFactory(application=submitted)
    client.force_login(submitted.applicant)

    assert _request(client, name, education).status_code == 403


def test_after_submission_posting_an_edit_changes_nothing(client, association):
    category = EndorsementCategoryFactory(framework=FrameworkFactory(association=association))
    submitted = ApplicationFactory(category=category, state=ApplicationState.SUBMITTED)
    education = EducationFactory(application=submitted, credential="Before")
    client.force_login(submitted.applicant)

    response = client.post(
        url("edit", submitted, pk=education.pk),
        {**valid_data(credential="After"), "transcript_file": pdf()},
    )

    assert response.status_code == 403
    education.refresh_from_db()
    assert education.credential == "Before"
    assert Document.objects.count() == 0


def test_after_submission_the_owner_still_reads_the_list(client, association):
    category = EndorsementCategoryFactory(framework=FrameworkFactory(association=association))
    submitted = ApplicationFactory(category=category, state=ApplicationState.SUBMITTED)
    education = EducationFactory(application=submitted)
    client.force_login(submitted.applicant)

    response = client.get(url("list", submitted))

    assert response.status_code == 200
    assert response.context["can_edit"] is False
    assert url("edit", submitted, pk=education.pk) not in response.content.decode()


def test_evidence_of_another_portfolio_is_not_found_through_mine(client, owner, application):
    other = EducationFactory()

    client.force_login(owner)

    assert client.get(url("edit", application, pk=other.pk)).status_code == 404
    assert client.post(url("delete", application, pk=other.pk)).status_code == 404


# --- Service --------------------------------------------------------------------------------


def test_education_set_transcript_status_refuses_an_unknown_status(education, coordinator):
    from portfolios.services import education_set_transcript_status

    with pytest.raises(ValueError, match="Unknown transcript status: 'forged'"):
        education_set_transcript_status(education=education, status="forged", by=coordinator)


def test_education_set_transcript_status_to_the_same_status_writes_nothing(education, coordinator):
    from portfolios.services import education_set_transcript_status

    updated = education.updated
    education_set_transcript_status(
        education=education, status=TranscriptStatus.NOT_PROVIDED, by=coordinator
    )

    education.refresh_from_db()
    assert education.updated == updated
    assert education.transcript_status == TranscriptStatus.NOT_PROVIDED


@pytest.mark.parametrize("role", [Role.ADVISOR, Role.REVIEWER])
@pytest.mark.parametrize("name", ALL)
def test_an_advisor_or_reviewer_not_assigned_gets_404(
    client, make_staff, association, role, name, education
):
    client.force_login(make_staff(role, association))

    assert _request(client, name, education).status_code == 404
