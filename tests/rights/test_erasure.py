"""The association admin erases an applicant who never reached the award (rights.erasure)."""

import pytest
from allauth.account.models import EmailAddress
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from accounts.models import User
from billing.models import Payment
from endorsement.models import Application, ApplicationEvent
from notifications.models import OutboxMessage
from portfolios.models import (
    Document,
    Education,
    Reference,
    ReferenceRating,
    RSCEntry,
    Training,
    WorkExperience,
)
from reports import selectors as reports
from reviews.models import Comment
from rights.erasure import ErasureError, applicant_erase
from tests.factories import ApplicationFactory, EndorsementFactory, MembershipFactory, UserFactory


def erase_url(association, person):
    return reverse("rights:erasure.confirm", args=[association.slug, person.pk])


def portfolio_counts(application) -> dict:
    where = {"application": application}
    return {
        "documents": Document.objects.filter(**where).count(),
        "education": Education.objects.filter(**where).count(),
        "work": WorkExperience.objects.filter(**where).count(),
        "trainings": Training.objects.filter(**where).count(),
        "rsc": RSCEntry.objects.filter(**where).count(),
        "references": Reference.objects.filter(**where).count(),
        "ratings": ReferenceRating.objects.filter(reference__application=application).count(),
        "comments": Comment.objects.filter(**where).count(),
    }


def statistics(association) -> tuple:
    return (
        reports.applications_by_state(association=association).rows,
        reports.decision_times(association=association).rows,
        reports.workforce_growth(association=association).rows,
        reports.revenue(association=association, year=timezone.now().year).rows,
    )


def test_the_admin_erases_an_applicant_keeping_the_statistics(
    client, association, assoc_admin, ana, ana_application, django_capture_on_commit_callbacks
):
    document = ana_application.documents.get()
    assert default_storage.exists(document.file.name)
    mail = {"association": association, "sender": "portal@example.org", "state": "sent"}
    # To her address without her account (allauth's mail), and to the coordinator about her.
    OutboxMessage.objects.create(
        recipient="ANA@example.org", subject="Confirm Ana", text_body="Hello Ana", **mail
    )
    OutboxMessage.objects.create(
        recipient="casey@example.org",
        subject="Ana Applicant submitted",
        text_body="Ana Applicant submitted her portfolio.",
        concerns=ana_application,
        **mail,
    )
    before = statistics(association)
    client.force_login(assoc_admin)
    page = client.get(erase_url(association, ana))
    assert page.status_code == 200
    assert "What will be removed" in page.content.decode()
    assert "What is kept" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(erase_url(association, ana))
    assert response.status_code == 302
    assert response["Location"] == reverse("rights:erasure", args=[association.slug])

    assert not default_storage.exists(document.file.name)
    assert portfolio_counts(ana_application) == dict.fromkeys(
        ["documents", "education", "work", "trainings", "rsc", "references", "ratings"], 0
    ) | {"comments": 0}
    ana.refresh_from_db()
    assert (ana.full_name, ana.email, ana.is_active, ana.has_usable_password()) == (
        f"Erased applicant #{ana.pk}",
        f"erased-{ana.pk}@invalid",
        False,
        False,
    )
    assert not EmailAddress.objects.filter(user=ana).exists()
    application = Application.objects.get(pk=ana_application.pk)
    assert (application.state, application.category_id, application.registration_note) == (
        "submitted",
        ana_application.category_id,
        "",
    )
    assert sorted(
        OutboxMessage.objects.values_list("recipient", "subject", "text_body", "html_body")
    ) == [
        ("casey@example.org", "", "", ""),
        (f"erased-{ana.pk}@invalid", "", "", ""),
        (f"erased-{ana.pk}@invalid", "", "", ""),
    ]
    assert Payment.objects.filter(invoice__person=ana).count() == 1
    assert statistics(association) == before
    last = ApplicationEvent.objects.filter(application=application).latest("at", "pk")
    assert (last.actor, last.note_key, last.note_is_public) == (assoc_admin, "erased", False)


def test_erasure_leaves_another_applicant_alone(
    association, assoc_admin, ana, ana_application, bob, bob_application
):
    before = portfolio_counts(bob_application)
    applicant_erase(association=association, person=ana, by=assoc_admin)
    assert portfolio_counts(bob_application) == before
    bob.refresh_from_db()
    assert (bob.full_name, bob.email) == ("Bob Other", "bob@example.org")
    assert (
        OutboxMessage.objects.get(recipient_user=bob).text_body
        == "Dear BOB, your portfolio is submitted."
    )


def test_a_person_with_an_endorsement_is_refused(client, association, assoc_admin, ana, category):
    EndorsementFactory(application__applicant=ana, category=category)
    application = ApplicationFactory(applicant=ana, category=category)
    client.force_login(assoc_admin)
    page = client.get(erase_url(association, ana))
    assert "holds an endorsement" in page.content.decode()
    assert "Yes, erase their data" not in page.content.decode()
    response = client.post(erase_url(association, ana))
    assert response.status_code == 400
    ana.refresh_from_db()
    assert ana.email == "ana@example.org"
    assert Application.objects.filter(pk=application.pk).exists()
    with pytest.raises(ErasureError):
        applicant_erase(association=association, person=ana, by=assoc_admin)


def test_a_person_with_records_elsewhere_is_refused(
    association, other_association, assoc_admin, ana, ana_application
):
    MembershipFactory(user=ana, association=other_association)
    with pytest.raises(ErasureError, match="another association"):
        applicant_erase(association=association, person=ana, by=assoc_admin)


@pytest.mark.parametrize("method", ["get", "post"])
def test_others_may_not_erase(
    client, method, association, make_staff, other_admin, ana, ana_application
):
    url = erase_url(association, ana)
    assert getattr(client, method)(url).status_code == 302  # anonymous: to the login page
    coordinator = make_staff(Role.COORDINATOR, association)
    for person in (other_admin, coordinator, ana):
        client.force_login(person)
        assert getattr(client, method)(url).status_code == 403
        assert (
            getattr(client, method)(reverse("rights:erasure", args=[association.slug])).status_code
            == 403
        )
    ana.refresh_from_db()
    assert ana.email == "ana@example.org"


def test_a_person_who_never_applied_here_is_not_found(
    client, association, other_association, assoc_admin, other_admin, ana, ana_application
):
    stranger = UserFactory()
    client.force_login(assoc_admin)
    assert client.get(erase_url(association, stranger)).status_code == 404
    assert client.post(erase_url(association, stranger)).status_code == 404
    # Olga, admin of Lakeshore, cannot reach Ana through her own association either.
    client.force_login(other_admin)
    assert client.post(erase_url(other_association, ana)).status_code == 404
    assert User.objects.get(pk=ana.pk).email == "ana@example.org"


def test_the_list_links_each_erasable_applicant_and_the_dashboard_links_the_list(
    client, association, assoc_admin, ana, ana_application, bob, category
):
    EndorsementFactory(application__applicant=bob, category=category)
    client.force_login(assoc_admin)
    page = client.get(reverse("rights:erasure", args=[association.slug])).content.decode()
    assert erase_url(association, ana) in page
    assert erase_url(association, bob) not in page
    assert "Holds an endorsement" in page
    found = client.get(reverse("rights:erasure", args=[association.slug]), {"q": "bob@"})
    assert erase_url(association, ana) not in found.content.decode()
    dashboard = client.get(
        reverse("accounts:dashboard.role", args=[association.slug, Role.ASSOCIATION_ADMIN])
    )
    assert reverse("rights:erasure", args=[association.slug]) in dashboard.content.decode()


def test_the_list_costs_the_same_queries_for_one_and_many(
    client, association, assoc_admin, category
):
    ApplicationFactory(category=category)
    client.force_login(assoc_admin)
    url = reverse("rights:erasure", args=[association.slug])
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(10):
        ApplicationFactory(category=category)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(one)
