"""Exam pages: who may open them (log in first; coordinators, graders and applicants of the
association, each their own pages)."""

from django.urls import reverse

from accounts.enums import Role
from endorsement.enums import ApplicationState as S
from reviews.models import ExamRegistration, ExamSitting, VignetteScore
from tests.factories import ApplicationFactory, UserFactory
from tests.reviews.helpers import sitting_url, sittings_url, state_of


def coordinator_urls(association, sitting, registration):
    return [
        sittings_url(association),
        reverse("reviews:exam.sitting.add", kwargs={"slug": association.slug}),
        sitting_url(sitting),
        sitting_url(sitting, "exam.sitting.edit"),
        sitting_url(sitting, "exam.sitting.delete"),
        reverse("reviews:exam.graders", kwargs={"pk": registration.pk}),
    ]


# --- refusals ---------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client, association, registration, assigned):
    urls = [
        *coordinator_urls(association, registration.sitting, registration),
        sitting_url(registration.sitting, "exam.sitting.register"),
        reverse("reviews:exam.part1", kwargs={"pk": registration.pk}),
        reverse("reviews:exam.score", kwargs={"pk": assigned[0].pk}),
        reverse("reviews:exam.register", kwargs={"application_id": registration.application_id}),
    ]
    for url in urls:
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith("/accounts/login/?next="), url


def test_coordinator_pages_refuse_other_roles_and_associations(
    client, association, other_association, make_staff, registration, grader_a, applicant
):
    people = [
        grader_a,
        applicant,
        make_staff(Role.REVIEWER, association),
        make_staff(Role.COORDINATOR, other_association),
    ]
    urls = [
        *coordinator_urls(association, registration.sitting, registration),
        sitting_url(registration.sitting, "exam.sitting.register"),
    ]
    for person in people:
        client.force_login(person)
        for url in urls:
            assert client.get(url).status_code in (403, 405), (person, url)
            assert client.post(url, {"capacity": 3}).status_code == 403, (person, url)
    assert ExamSitting.objects.count() == 1
    assert not VignetteScore.objects.exists()


def test_part1_page_refuses_everyone_but_coordinators_and_graders_of_the_association(
    client, association, other_association, make_staff, registration, applicant
):
    url = reverse("reviews:exam.part1", kwargs={"pk": registration.pk})
    for person in (
        applicant,
        make_staff(Role.REVIEWER, association),
        make_staff(Role.EXAM_GRADER, other_association),
        make_staff(Role.COORDINATOR, other_association),
    ):
        client.force_login(person)
        assert client.get(url).status_code == 403
        assert client.post(url, {"correct": 50}).status_code == 403
    assert ExamRegistration.objects.get(pk=registration.pk).part1_correct is None


def test_a_grader_not_assigned_cannot_see_or_score(
    client, association, make_staff, assigned, coordinator, applicant
):
    url = reverse("reviews:exam.score", kwargs={"pk": assigned[0].pk})
    for person in (make_staff(Role.EXAM_GRADER, association), coordinator, applicant):
        client.force_login(person)
        assert client.get(url).status_code == 404
        assert client.post(url, {"percent": 90}).status_code == 404
    assert VignetteScore.objects.get(pk=assigned[0].pk).percent is None


def test_a_grader_who_lost_the_role_cannot_score(client, assigned, grader_a):
    grader_a.role_grants.all().delete()
    client.force_login(grader_a)
    url = reverse("reviews:exam.score", kwargs={"pk": assigned[0].pk})
    assert client.get(url).status_code == 403
    assert client.post(url, {"percent": 90}).status_code == 403


def test_the_register_page_is_the_applicants_own_only(
    client, approved, coordinator, make_staff, association
):
    url = reverse("reviews:exam.register", kwargs={"application_id": approved.pk})
    for person in (UserFactory(), coordinator, make_staff(Role.EXAM_GRADER, association)):
        client.force_login(person)
        assert client.get(url).status_code == 404
        assert client.post(url, {"sitting": 1}).status_code == 404
    assert state_of(approved) == S.APPROVED


def test_the_register_page_of_a_category_without_exam_is_not_found(
    client, plain_category, applicant
):
    application = ApplicationFactory(category=plain_category, applicant=applicant, state=S.APPROVED)
    client.force_login(applicant)
    url = reverse("reviews:exam.register", kwargs={"application_id": application.pk})
    assert client.get(url).status_code == 404
