"""The training section: list, add and edit (items grouped by area, certificate), delete/undo."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from endorsement.enums import ApplicationState
from portfolios.enums import DocumentKind
from portfolios.models import Document, EvidenceChange, FormDraft, Training
from tests.factories import PDF_BYTES, DocumentFactory, UserFactory
from tests.portfolios.training_helpers import (
    OTHER_ITEM,
    add_training,
    item,
    make_application,
    make_category,
    set_state,
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


@pytest.fixture
def category(association):
    return make_category(association)


@pytest.fixture
def owner(db):
    return UserFactory(full_name="Ana Owner")


@pytest.fixture
def application(category, owner):
    return make_application(category, applicant=owner)


@pytest.fixture
def training(application):
    return add_training(
        application,
        items=[item("Cultural competence"), item("Observation and listening")],
        is_dei=True,
    )


def ticked(html: str, name: str) -> bool:
    """Whether the checkbox of the item called name is ticked in the page."""
    tag = re.search(
        rf'<input type="checkbox" name="competencies" value="{item(name).pk}"[^>]*>', html
    )
    return tag is not None and tag.group(0).endswith(" checked>")


def url(name, application, **kwargs):
    return reverse(f"portfolios:{name}", kwargs={"application_id": application.pk, **kwargs})


def form_data(**overrides):
    data = {
        "title": "Attachment across cultures",
        "provider": "Northfield University",
        "date": "2025-10-04",
        "hours": "7.5",
        "format": "conference",
        "competencies": [
            str(item("Cultural competence").pk),
            str(item("Screening and assessment").pk),
        ],
        "is_rsc": "on",
    }
    data.update(overrides)
    return data


# The list


def test_the_list_shows_each_training_and_the_total_hours(client, owner, application, training):
    add_training(
        application,
        title="Reflective practice",
        hours=Decimal("1.5"),
        date=datetime.date(2024, 11, 2),
        format="online",
        is_rsc=True,
        items=[item("Pregnancy and early parenthood")],
        certificate=DocumentFactory(application=application, kind=DocumentKind.CERTIFICATE),
    )
    add_training(make_application(application.category), title="Someone else's training")
    client.force_login(owner)
    response = client.get(url("training.list", application))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1>") == 1
    assert "Total: 7.5 hours (6 on diversity, equity and inclusion; 1.5 on providing RS/C)." in html
    assert "<caption>2 trainings</caption>" in html
    assert [t.title for t in response.context["items"]] == [
        "Supporting early relationships",
        "Reflective practice",
    ]
    assert "Someone else" not in html
    assert (
        '<th scope="row">Supporting early relationships</th>\n'
        '      <td data-label="Provider">Regional Training Institute</td>\n'
        '      <td class="text-nowrap" data-label="Date">March 15, 2025</td>\n'
        '      <td class="text-end" data-label="Hours">6</td>\n'
        '      <td data-label="Format">Workshop or in-service</td>\n'
        '      <td data-label="Competency items addressed">\n'
        '        <ul class="list-unstyled small mb-0">\n'
        "          <li>Cultural competence</li><li>Observation and listening</li>\n"
        "        </ul>\n"
        "      </td>\n"
        '      <td data-label="DEI">Yes</td>\n'
        '      <td data-label="RS/C">No</td>\n'
        '      <td data-label="Certificate"><span class="text-body-secondary">None</span></td>'
    ) in html
    certificate = Training.objects.get(title="Reflective practice").certificate
    download = reverse(
        "portfolios:document.download",
        kwargs={"application_id": application.pk, "pk": certificate.pk},
    )
    assert f'<a href="{download}">Download' in html
    assert url("training.add", application) in html
    assert url("training.import", application) in html


def test_the_list_offers_to_undo_a_delete(client, owner, application, training):
    training.deleted_at = timezone.now()
    training.save()
    client.force_login(owner)
    html = client.get(url("training.list", application)).content.decode()
    assert "No training listed yet." in html
    assert "Deleted (you can undo until you submit)" in html
    assert f'action="{url("training.restore", application, pk=training.pk)}"' in html


def test_the_coordinator_reads_the_list_without_edit_links(
    client, make_staff, association, application, training
):
    client.force_login(make_staff(Role.COORDINATOR, association))
    response = client.get(url("training.list", application))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Supporting early relationships" in html
    assert url("training.add", application) not in html
    assert url("training.edit", application, pk=training.pk) not in html


def test_a_submitted_portfolio_lists_read_only(client, owner, application, training):
    set_state(application, ApplicationState.SUBMITTED)
    client.force_login(owner)
    html = client.get(url("training.list", application)).content.decode()
    assert "Your portfolio is submitted and read-only." in html
    assert url("training.add", application) not in html
    assert url("training.edit", application, pk=training.pk) not in html


def test_list_queries_do_not_grow_with_the_trainings(client, owner, application):
    items = [item("Cultural competence"), item("Observation and listening")]

    def add(n):
        for i in range(n):
            add_training(
                application,
                title=f"Training {i}",
                items=items,
                certificate=DocumentFactory(application=application, kind="certificate"),
            )
        Training.objects.filter(title__startswith="Training 0").update(deleted_at=timezone.now())

    add(2)
    client.force_login(owner)
    client.get(url("training.list", application))  # sessions and caches warm
    with CaptureQueriesContext(connection) as few:
        assert client.get(url("training.list", application)).status_code == 200
    add(12)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url("training.list", application))
    assert len(response.context["items"]) == 12
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


# Adding


def test_the_form_groups_the_categorys_items_under_their_areas(client, owner, application):
    client.force_login(owner)
    response = client.get(url("training.add", application))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Add a training</h1>" in html
    assert (
        '<legend class="fs-6 fw-semibold mb-1">Theoretical Foundations</legend>' in html
        and '<legend class="fs-6 fw-semibold mb-1">Direct Service Skills</legend>' in html
    )
    assert html.index("Theoretical Foundations</legend>") < html.index("Direct Service Skills")
    pk = item("Cultural competence").pk
    assert (
        f'<input type="checkbox" name="competencies" value="{pk}" class="form-check-input" '
        'id="id_competencies_0_2"> <label class="form-check-label" for="id_competencies_0_2">'
        "Cultural competence</label>"
    ) in html
    assert OTHER_ITEM not in html
    assert "Competency items this training addressed" in html


def test_adding_a_training_saves_it_with_its_items(client, owner, application):
    client.force_login(owner)
    response = client.post(url("training.add", application), form_data())
    assert response.status_code == 302
    assert response["Location"] == url("training.list", application)
    training = Training.objects.get(application=application)
    assert (
        training.title,
        training.provider,
        training.date,
        training.hours,
        training.format,
        training.is_dei,
        training.is_rsc,
        training.certificate,
    ) == (
        "Attachment across cultures",
        "Northfield University",
        datetime.date(2025, 10, 4),
        Decimal("7.5"),
        "conference",
        False,
        True,
        None,
    )
    assert sorted(c.name for c in training.competencies.all()) == [
        "Cultural competence",
        "Screening and assessment",
    ]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"hours": "0"}, "hours", "Enter more than 0 hours."),
        ({"hours": "-2"}, "hours", "Enter more than 0 hours."),
        ({"hours": "200.5"}, "hours", "One training can count for at most 200 hours."),
        ({"competencies": []}, "competencies", "Tick at least one competency item."),
        (
            {"format": "webinar"},
            "format",
            "Select a valid choice. webinar is not one of the available choices.",
        ),
        ({"title": ""}, "title", "This field is required."),
    ],
)
def test_the_form_refuses_wrong_values(client, owner, application, overrides, field, message):
    client.force_login(owner)
    response = client.post(url("training.add", application), form_data(**overrides))
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert Training.objects.count() == 0


def test_the_date_may_not_be_in_the_future(client, owner, application):
    client.force_login(owner)
    # The portfolio's pages are in the association's time zone: so is "today".
    tomorrow = application.association.today() + datetime.timedelta(days=1)
    response = client.post(url("training.add", application), form_data(date=tomorrow.isoformat()))
    assert response.context["form"].errors["date"] == ["This date is in the future."]
    today = application.association.today().isoformat()
    assert client.post(url("training.add", application), form_data(date=today)).status_code == 302


def test_items_of_another_category_are_refused(client, owner, application):
    client.force_login(owner)
    other = item(OTHER_ITEM)
    response = client.post(url("training.add", application), form_data(competencies=[other.pk]))
    assert response.context["form"].errors["competencies"] == [
        f"Select a valid choice. {other.pk} is not one of the available choices."
    ]


def test_a_form_with_errors_keeps_what_was_typed(client, owner, application):
    client.force_login(owner)
    response = client.post(url("training.add", application), form_data(hours="0"))
    html = response.content.decode()
    assert 'value="Attachment across cultures"' in html
    assert 'value="Northfield University"' in html
    assert ticked(html, "Screening and assessment")
    assert not ticked(html, "Pregnancy and early parenthood")


def test_the_error_summary_takes_the_focus_and_links_to_each_field(client, owner, application):
    """The summary above the form (autofocus: no script) links each error to its field: a text
    field, a select and the first checkbox of the grouped competency items."""
    client.force_login(owner)
    data = form_data(title="", format="webinar", competencies=[])
    response = client.post(url("training.add", application), data)
    html = response.content.decode()
    summary = html[html.index('<div class="alert alert-danger error-summary"') :]
    summary = summary[: summary.index("</div>")]
    assert 'role="alert" tabindex="-1" autofocus' in summary
    links = re.findall(r'<a class="alert-link" href="#([^"]+)">([^<]+)</a>', summary)
    first_box = re.search(r'<input type="checkbox" name="competencies"[^>]* id="([^"]+)"', html)
    assert links == [
        ("id_title", "Title"),
        ("id_format", "Format"),
        (first_box.group(1), "Competency items this training addressed"),
    ]
    assert f'id="{first_box.group(1)}"' in html
    # The form sends to its own path: the page's address may end in the skip link's "#main".
    assert f'<form method="post" action="{url("training.add", application)}"' in html


def test_a_certificate_is_stored_with_the_training(client, owner, application):
    client.force_login(owner)
    upload = SimpleUploadedFile("certificate.pdf", PDF_BYTES, content_type="application/pdf")
    response = client.post(url("training.add", application), form_data(certificate_file=upload))
    assert response.status_code == 302
    training = Training.objects.get(application=application)
    document = training.certificate
    assert (document.kind, document.original_name, document.application, document.uploaded_by) == (
        "certificate",
        "certificate.pdf",
        application,
        owner,
    )
    with document.file.open("rb") as stored:
        assert stored.read() == PDF_BYTES


def test_a_certificate_that_is_not_a_document_is_refused(client, owner, application):
    client.force_login(owner)
    upload = SimpleUploadedFile("certificate.pdf", b"just text", content_type="application/pdf")
    response = client.post(url("training.add", application), form_data(certificate_file=upload))
    assert response.status_code == 200
    assert response.context["form"].errors["certificate_file"] == [
        "This file is not a PDF, JPEG, PNG or Word (.docx) document."
    ]
    assert Training.objects.count() == 0
    assert Document.objects.count() == 0


# Editing


def test_the_edit_form_shows_the_saved_items_ticked(client, owner, application, training):
    client.force_login(owner)
    html = client.get(url("training.edit", application, pk=training.pk)).content.decode()
    assert "<h1>Edit Supporting early relationships</h1>" in html
    assert ticked(html, "Cultural competence")
    assert ticked(html, "Observation and listening")
    assert not ticked(html, "Screening and assessment")
    assert "Remove the certificate" not in html


def test_editing_changes_the_items(client, owner, application, training):
    client.force_login(owner)
    response = client.post(
        url("training.edit", application, pk=training.pk),
        form_data(competencies=[item("Pregnancy and early parenthood").pk]),
    )
    assert response.status_code == 302
    training.refresh_from_db()
    assert training.title == "Attachment across cultures"
    assert [c.name for c in training.competencies.all()] == ["Pregnancy and early parenthood"]


def test_a_certificate_can_be_replaced_and_removed(client, owner, application, training):
    old = DocumentFactory(application=application, kind="certificate")
    training.certificate = old
    training.save()
    client.force_login(owner)
    assert (
        "Remove the certificate"
        in client.get(url("training.edit", application, pk=training.pk)).content.decode()
    )

    upload = SimpleUploadedFile("new.pdf", PDF_BYTES, content_type="application/pdf")
    client.post(
        url("training.edit", application, pk=training.pk), form_data(certificate_file=upload)
    )
    training.refresh_from_db()
    assert training.certificate.original_name == "new.pdf"
    assert training.certificate != old

    client.post(
        url("training.edit", application, pk=training.pk), form_data(remove_certificate="on")
    )
    training.refresh_from_db()
    assert training.certificate is None


def test_another_applicants_training_cannot_be_edited_through_my_portfolio(
    client, owner, application
):
    theirs = add_training(make_application(application.category), title="Theirs")
    client.force_login(owner)
    assert client.get(url("training.edit", application, pk=theirs.pk)).status_code == 404
    assert client.post(url("training.delete", application, pk=theirs.pk)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.deleted_at is None


def test_changes_after_a_return_are_kept_as_history(client, owner, application, training):
    set_state(application, ApplicationState.DEFERRED, submitted=True)
    client.force_login(owner)
    client.post(url("training.edit", application, pk=training.pk), form_data(hours="9"))
    change = EvidenceChange.objects.get()
    assert (change.section, change.object_id, change.action) == ("training", training.pk, "changed")
    assert (change.before["hours"], change.after["hours"]) == ("6.0", "9")


# Drafts


def test_a_draft_is_saved_and_restored(client, owner, application):
    client.force_login(owner)
    pk = item("Cultural competence").pk
    response = client.post(
        url("training.add", application),
        {"title": "Half typed", "competencies": [pk], "save_draft": "1"},
    )
    assert response["Location"] == url("training.list", application)
    assert FormDraft.objects.get(key="training:new").data == {
        "title": "Half typed",
        "competencies": str(pk),
    }
    html = client.get(url("training.add", application)).content.decode()
    assert "We restored what you typed last time." in html
    assert 'value="Half typed"' in html
    assert ticked(html, "Cultural competence")

    client.post(url("training.add", application), form_data())
    assert not FormDraft.objects.filter(key="training:new").exists()


# Delete and undo


def test_delete_asks_first_then_can_be_undone(client, owner, application, training):
    client.force_login(owner)
    page = client.get(url("training.delete", application, pk=training.pk))
    assert "<h1>Delete “Supporting early relationships”?</h1>" in page.content.decode()
    training.refresh_from_db()
    assert training.deleted_at is None

    response = client.post(url("training.delete", application, pk=training.pk))
    assert response["Location"] == url("training.list", application)
    training.refresh_from_db()
    assert training.deleted_at is not None

    response = client.post(url("training.restore", application, pk=training.pk))
    assert response["Location"] == url("training.list", application)
    training.refresh_from_db()
    assert training.deleted_at is None
    assert [c.name for c in training.competencies.all()] == [
        "Cultural competence",
        "Observation and listening",
    ]


# Who may do what

EDIT_URLS = [
    ("get", "training.add", False),
    ("post", "training.add", False),
    ("get", "training.edit", True),
    ("post", "training.edit", True),
    ("get", "training.delete", True),
    ("post", "training.delete", True),
    ("post", "training.restore", True),
]
ALL_URLS = [("get", "training.list", False), *EDIT_URLS]


def call(client, method, name, application, training, with_pk):
    kwargs = {"pk": training.pk} if with_pk else {}
    return getattr(client, method)(url(name, application, **kwargs))


@pytest.mark.parametrize(("method", "name", "with_pk"), ALL_URLS)
def test_another_applicant_gets_404(client, application, training, method, name, with_pk):
    if name == "training.restore":
        Training.objects.filter(pk=training.pk).update(deleted_at=timezone.now())
    client.force_login(UserFactory())
    assert call(client, method, name, application, training, with_pk).status_code == 404
    assert Training.objects.filter(pk=training.pk, title="Supporting early relationships").exists()


@pytest.mark.parametrize(("method", "name", "with_pk"), ALL_URLS)
def test_a_coordinator_of_another_association_gets_404(
    client, make_staff, other_association, application, training, method, name, with_pk
):
    client.force_login(make_staff(Role.COORDINATOR, other_association))
    assert call(client, method, name, application, training, with_pk).status_code == 404


@pytest.mark.parametrize(("method", "name", "with_pk"), EDIT_URLS)
def test_the_coordinator_of_the_association_may_not_edit(
    client, make_staff, association, application, training, method, name, with_pk
):
    client.force_login(make_staff(Role.COORDINATOR, association))
    assert call(client, method, name, application, training, with_pk).status_code == 404


@pytest.mark.parametrize(("method", "name", "with_pk"), ALL_URLS)
def test_anonymous_visitors_are_sent_to_log_in(
    client, application, training, method, name, with_pk
):
    response = call(client, method, name, application, training, with_pk)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(("method", "name", "with_pk"), EDIT_URLS)
def test_the_owner_may_not_edit_once_submitted(
    client, owner, application, training, method, name, with_pk
):
    if name == "training.restore":
        Training.objects.filter(pk=training.pk).update(deleted_at=timezone.now())
    set_state(application, ApplicationState.SUBMITTED)
    client.force_login(owner)
    response = call(client, method, name, application, training, with_pk)
    assert response.status_code == 403
    training.refresh_from_db()
    assert training.title == "Supporting early relationships"


def test_a_draft_keeps_several_items_or_none(client, owner, application):
    client.force_login(owner)
    pks = [item("Cultural competence").pk, item("Screening and assessment").pk]
    client.post(url("training.add", application), {"competencies": pks, "save_draft": "1"})
    html = client.get(url("training.add", application)).content.decode()
    assert ticked(html, "Cultural competence") and ticked(html, "Screening and assessment")
    client.post(url("training.add", application), {"title": "No items", "save_draft": "1"})
    html = client.get(url("training.add", application)).content.decode()
    assert not ticked(html, "Cultural competence")
    assert 'value="No items"' in html


def test_a_certificate_refused_when_stored_shows_on_the_form(
    client, owner, application, monkeypatch
):
    from django.core.exceptions import ValidationError

    from portfolios import documents

    def refuse(**kwargs):
        raise ValidationError("We could not check this file for viruses just now.")

    monkeypatch.setattr(documents, "document_store", refuse)
    client.force_login(owner)
    upload = SimpleUploadedFile("certificate.pdf", PDF_BYTES, content_type="application/pdf")
    response = client.post(url("training.add", application), form_data(certificate_file=upload))
    assert response.status_code == 200
    assert response.context["form"].errors["certificate_file"] == [
        "We could not check this file for viruses just now."
    ]
    assert Training.objects.count() == 0


def test_a_portfolio_locked_while_saving_is_refused(client, owner, application, monkeypatch):
    from portfolios import documents
    from portfolios.services import PortfolioLocked

    def locked(**kwargs):
        raise PortfolioLocked("Your portfolio is submitted: it cannot be changed now.")

    monkeypatch.setattr(documents, "document_store", locked)
    client.force_login(owner)
    upload = SimpleUploadedFile("certificate.pdf", PDF_BYTES, content_type="application/pdf")
    response = client.post(url("training.add", application), form_data(certificate_file=upload))
    assert response.status_code == 403
    assert Training.objects.count() == 0


def test_the_form_autosaves_through_htmx(client, owner, application, training):
    client.force_login(owner)
    response = client.post(
        url("training.edit", application, pk=training.pk),
        {"title": "Retyped title", "hours": "ten"},
        headers={"HX-Request": "true"},
    )
    assert (response.status_code, response.content) == (200, b"Draft saved.")
    draft = FormDraft.objects.get(key=f"training:{training.pk}")
    assert draft.data == {"title": "Retyped title", "hours": "ten"}
    training.refresh_from_db()
    assert training.title == "Supporting early relationships"
