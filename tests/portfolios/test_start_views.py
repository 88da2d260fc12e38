"""The start pages: association, eligibility check, registration, correction; the dashboard."""

import re
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from accounts.enums import Role
from competencies.enums import EducationLevel
from competencies.models import EndorsementCategory
from endorsement.enums import ApplicationState as S
from endorsement.models import Application, ApplicationEvent
from endorsement.services import application_transition
from tests.factories import (
    ApplicationFactory,
    AssociationFactory,
    MembershipFactory,
    UserFactory,
)

ANSWERS = {
    "education": "bachelor",
    "work_years": "3",
    "training_hours": "40",
    "rsc_hours": "30",
}


@pytest.fixture
def loaded(association):
    call_command("load_framework", "--association", association.slug, verbosity=0)
    return association


@pytest.fixture
def applicant(db):
    return UserFactory(email="ana@example.org", full_name="Ana Applicant")


@pytest.fixture
def ifs(loaded):
    return EndorsementCategory.objects.get(
        framework__association=loaded, framework__version="2025", code="IFS"
    )


def check_url(association) -> str:
    return reverse("portfolios:start.check", kwargs={"slug": association.slug})


def register_url(association, code) -> str:
    return reverse("portfolios:start.register", kwargs={"slug": association.slug, "code": code})


def edit_url(application) -> str:
    return reverse("portfolios:registration.edit", kwargs={"application_id": application.pk})


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_urls(association):
    assert reverse("portfolios:start") == "/portfolio/start/"
    assert check_url(association) == "/portfolio/start/northfield/"
    assert register_url(association, "IFS") == "/portfolio/start/northfield/IFS/"
    assert edit_url(Application(pk=4)) == "/portfolio/4/registration/"


# Step 1: associations


def test_start_lists_the_listed_associations(client, applicant, association, other_association):
    AssociationFactory(name="Hidden Association", slug="hidden", is_active=False)
    client.force_login(applicant)
    response = client.get("/portfolio/start/")
    assert response.status_code == 200
    assert [a.slug for a in response.context["associations"]] == ["lakeshore", "northfield"]
    html = response.content.decode()
    assert '<a href="/portfolio/start/northfield/">' in html
    assert "Hidden Association" not in html


@pytest.mark.parametrize(
    "url", ["/portfolio/start/", "/portfolio/start/northfield/", "/portfolio/start/northfield/IFS/"]
)
def test_start_pages_need_login(client, association, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


# Step 2: the eligibility check


def test_check_without_answers_shows_the_questions(client, applicant, loaded):
    client.force_login(applicant)
    response = client.get(check_url(loaded))
    assert response.status_code == 200
    assert response.context["result"] is None
    assert not response.context["form"].is_bound
    html = response.content.decode()
    assert html.count("<h1") == 1
    for field in ("education", "work_years", "dyadic", "training_hours", "rsc_hours"):
        assert f'for="id_{field}"' in html


def test_check_sorts_the_categories(client, applicant, loaded):
    client.force_login(applicant)
    response = client.get(check_url(loaded), ANSWERS)
    result = response.context["result"]
    assert [c.category.code for c in result.fits] == ["IFA", "IFS", "ECFA", "ECFS"]
    assert [c.category.code for c in result.almost] == ["IFRS"]
    assert "IMHS" in [c.category.code for c in result.no]
    html = response.content.decode()
    query = "?education=bachelor&amp;work_years=3&amp;rsc_hours=30"
    assert f'href="/portfolio/start/northfield/IFS/{query}"' in html
    assert f'href="/portfolio/start/northfield/IFRS/{query}"' in html
    assert 'href="/portfolio/start/northfield/IMHS/' not in html
    assert "You need 20 more hours of reflective supervision/consultation (RS/C)." in html


def test_check_lists_the_fitting_categories_first_best_first_and_folds_the_others(
    client, applicant, loaded
):
    client.force_login(applicant)
    response = client.get(check_url(loaded), ANSWERS)
    result = response.context["result"]
    # IFS asks for the most of those that fit (work and RS/C); the rest keep their order.
    assert result.best.category.code == "IFS"
    assert [c.category.code for c in result.fitting] == ["IFS", "IFA", "ECFA", "ECFS", "IFRS"]
    html = response.content.decode()
    fitting, folded = html.split('<details class="eligibility-fold mt-3">')
    assert re.findall(r'<li class="card[^"]*" id="fit-([\w-]+)"', fitting) == [
        "IFS",
        "IFA",
        "ECFA",
        "ECFS",
        "IFRS",
    ]
    no_codes = [c.category.code for c in result.no]
    assert re.findall(r'<li class="card[^"]*" id="fit-([\w-]+)"', folded) == no_codes
    assert f"Categories that do not fit yet ({len(no_codes)})" in folded
    # One primary button: the best fit's; the others are outlined; none in the fold.
    query = "?education=bachelor&amp;work_years=3&amp;rsc_hours=30"
    assert re.findall(r'class="btn btn-sm btn-primary[^"]*" href="([^"]+)"', html) == [
        f"/portfolio/start/northfield/IFS/{query}"
    ]
    assert "Register for" not in folded
    # Each folded category says why it does not fit.
    assert "You need this education: Master" in text(folded)


def test_check_with_nothing_fitting_opens_the_fold(client, applicant, loaded):
    client.force_login(applicant)
    answers = {"education": "none", "work_years": "0", "training_hours": "0", "rsc_hours": "0"}
    response = client.get(check_url(loaded), answers)
    result = response.context["result"]
    assert (result.best, result.fitting, len(result.no) > 0) == (None, [], True)
    html = response.content.decode()
    assert "None of the categories fits your answers yet." in html
    assert '<details class="eligibility-fold mt-3" open>' in html
    assert "Register for" not in html


def test_check_says_what_is_missing(client, applicant, loaded):
    client.force_login(applicant)
    response = client.get(check_url(loaded), {**ANSWERS, "training_hours": "24"})
    page = text(response.content.decode())
    assert "Infant Family Specialist (IFS)" in page
    assert "What is missing: You need 6 more hours of training." in page


def test_check_with_invalid_answers_shows_errors(client, applicant, loaded):
    client.force_login(applicant)
    response = client.get(check_url(loaded), {**ANSWERS, "training_hours": "-3", "education": ""})
    assert response.status_code == 200
    assert response.context["result"] is None
    assert response.context["form"].errors == {
        "education": ["This field is required."],
        "training_hours": ["Ensure this value is greater than or equal to 0."],
    }
    assert 'aria-invalid="true"' in response.content.decode()


def test_check_unlisted_or_unknown_association_is_404(client, applicant, db):
    AssociationFactory(slug="hidden", is_active=False)
    client.force_login(applicant)
    assert client.get("/portfolio/start/hidden/").status_code == 404
    assert client.get("/portfolio/start/nowhere/").status_code == 404


def test_check_without_a_framework_says_so(client, applicant, association):
    client.force_login(applicant)
    response = client.get(check_url(association), ANSWERS)
    assert "This association has not published its requirements yet." in response.content.decode()


def test_check_shows_missing_membership_and_what_to_do(client, applicant, loaded):
    client.force_login(applicant)
    response = client.get(check_url(loaded))
    assert response.context["membership"] is None
    assert f'href="/billing/membership/{loaded.slug}/"' in response.content.decode()
    page = text(response.content.decode())
    assert (
        "Membership is required: join Northfield Association for Infant Mental Health online"
    ) in page


def test_check_shows_the_membership(client, applicant, loaded):
    membership = MembershipFactory(user=applicant, association=loaded, member_number="NF-7")
    client.force_login(applicant)
    response = client.get(check_url(loaded))
    assert response.context["membership"] == membership
    page = text(response.content.decode())
    assert (
        f"You are a member of Northfield Association for Infant Mental Health until "
        f"Dec. 31, {membership.end.year}. Member number: NF-7."
    ) in page
    assert "Membership is required" not in page


def test_another_association_membership_does_not_count(
    client, applicant, loaded, other_association
):
    MembershipFactory(user=applicant, association=other_association)
    client.force_login(applicant)
    assert client.get(check_url(loaded)).context["membership"] is None


def test_check_with_an_open_application_offers_no_registration(client, applicant, ifs):
    ApplicationFactory(applicant=applicant, category=ifs)
    client.force_login(applicant)
    response = client.get(check_url(ifs.framework.association), ANSWERS)
    html = response.content.decode()
    assert "You already have an application with" in html
    assert "/portfolio/start/northfield/IFS/?" not in html


@pytest.mark.parametrize("answers", [{}, ANSWERS])
def test_check_query_count(client, applicant, loaded, django_assert_num_queries, answers):
    client.force_login(applicant)
    # Session, user, staff-role check, association, membership, open application;
    # with answers: framework in force, categories, requirements, the fees (billing).
    with django_assert_num_queries(6 + (4 if answers else 0)):
        response = client.get(check_url(loaded), answers)
    assert response.status_code == 200


# Step 3: registration


def test_register_form_takes_the_answers(client, applicant, ifs):
    client.force_login(applicant)
    response = client.get(
        register_url(ifs.framework.association, "IFS"),
        {"education": "bachelor", "work_years": "3", "rsc_hours": "30"},
    )
    assert response.status_code == 200
    assert response.context["category"] == ifs
    assert response.context["form"].initial == {
        "education": "bachelor",
        "work_years": "3",
        "rsc_hours": "30",
    }
    html = response.content.decode()
    assert "Register for Infant Family Specialist (IFS)" in html
    assert '<option value="bachelor" selected>' in html


def test_register_creates_the_application(client, applicant, ifs):
    client.force_login(applicant)
    response = client.post(
        register_url(ifs.framework.association, "IFS"),
        {"education": "bachelor", "work_years": "3", "rsc_hours": "30", "note": " Hi. "},
    )
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/applicant/"
    application = Application.objects.get()
    assert (
        application.applicant,
        application.association,
        application.category,
        application.state,
        application.registration_education,
        application.registration_work_years,
        application.registration_rsc_hours,
        application.registration_note,
    ) == (
        applicant,
        ifs.framework.association,
        ifs,
        S.REGISTERED,
        EducationLevel.BACHELOR,
        Decimal("3.0"),
        Decimal("30.0"),
        "Hi.",
    )
    assert list(
        ApplicationEvent.objects.filter(application=application).values_list(
            "actor", "from_state", "to_state"
        )
    ) == [(applicant.pk, "", S.REGISTERED)]
    assert messages_of(response) == [
        "You are registered for Infant Family Specialist. The coordinator will look at your "
        "registration; we will e-mail you when it is accepted."
    ]


def test_register_keeps_what_was_typed_on_error(client, applicant, ifs):
    client.force_login(applicant)
    response = client.post(
        register_url(ifs.framework.association, "IFS"),
        {"education": "master", "work_years": "", "rsc_hours": "12", "note": "Keep me"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"work_years": ["This field is required."]}
    html = response.content.decode()
    assert '<option value="master" selected>' in html
    assert "Keep me</textarea>" in html
    assert Application.objects.count() == 0


def test_register_refuses_a_second_open_application(client, applicant, ifs):
    ApplicationFactory(applicant=applicant, category=ifs, state=S.ACCEPTED)
    client.force_login(applicant)
    response = client.post(
        register_url(ifs.framework.association, "IFA"),
        {"education": "bachelor", "work_years": "3", "rsc_hours": "30"},
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "You already have an application with Northfield Association for Infant Mental Health "
        "(IFS, “Building your portfolio”). You can start another one when it is finished."
    ]
    assert Application.objects.count() == 1


def test_register_page_with_an_open_application_shows_no_form(client, applicant, ifs):
    ApplicationFactory(applicant=applicant, category=ifs)
    client.force_login(applicant)
    response = client.get(register_url(ifs.framework.association, "IFA"))
    html = response.content.decode()
    assert "You already have an application with" in html
    assert 'name="education"' not in html


@pytest.mark.parametrize("state", [S.WITHDRAWN, S.DENIED, S.AWARDED])
def test_register_again_after_a_finished_application(client, applicant, ifs, state):
    ApplicationFactory(applicant=applicant, category=ifs, state=state)
    client.force_login(applicant)
    response = client.post(
        register_url(ifs.framework.association, "IFS"),
        {"education": "bachelor", "work_years": "3", "rsc_hours": "30"},
    )
    assert response.status_code == 302
    assert Application.objects.filter(applicant=applicant).count() == 2


def test_an_open_application_elsewhere_does_not_count(client, applicant, ifs, other_association):
    call_command("load_framework", "--association", other_association.slug, verbosity=0)
    elsewhere = EndorsementCategory.objects.get(
        framework__association=other_association, framework__version="2025", code="IFA"
    )
    ApplicationFactory(applicant=applicant, category=elsewhere)
    client.force_login(applicant)
    response = client.post(
        register_url(ifs.framework.association, "IFS"),
        {"education": "bachelor", "work_years": "3", "rsc_hours": "30"},
    )
    assert response.status_code == 302
    assert Application.objects.filter(applicant=applicant).count() == 2


def test_register_for_a_closed_or_unknown_category_is_404(client, applicant, ifs):
    EndorsementCategory.objects.filter(pk=ifs.pk).update(is_open=False)
    client.force_login(applicant)
    association = ifs.framework.association
    assert client.get(register_url(association, "IFS")).status_code == 404
    assert client.post(register_url(association, "IFS"), {}).status_code == 404
    assert client.get(register_url(association, "NOPE")).status_code == 404
    assert Application.objects.count() == 0


def test_register_for_a_category_of_an_old_version_is_404(client, applicant, loaded):
    # Only the version in force takes registrations: a code that exists only in an older
    # version is unknown.
    EndorsementCategory.objects.filter(
        framework__association=loaded, framework__version="2025", code="ECFA"
    ).delete()
    client.force_login(applicant)
    assert client.get(register_url(loaded, "ECFA")).status_code == 404


# A returned registration: correct it and send it again


@pytest.fixture
def returned(ifs, applicant, make_staff):
    coordinator = make_staff(Role.COORDINATOR, ifs.framework.association)
    application = ApplicationFactory(
        applicant=applicant,
        category=ifs,
        registration_education=EducationLevel.BACHELOR,
        registration_work_years=Decimal("1"),
        registration_rsc_hours=Decimal("4"),
    )
    application_transition(
        application=application,
        action="return_registration",
        by=coordinator,
        note="Count your years as a home visitor too.",
    )
    return application


def test_correct_form_shows_the_reason_and_the_details(client, applicant, returned):
    client.force_login(applicant)
    response = client.get(edit_url(returned))
    assert response.status_code == 200
    assert response.context["reason"].note == "Count your years as a home visitor too."
    assert response.context["form"].initial == {
        "education": "bachelor",
        "work_years": Decimal("1.0"),
        "rsc_hours": Decimal("4.0"),
        "note": "",
    }
    assert "Count your years as a home visitor too." in response.content.decode()


def test_correct_and_send_again(client, applicant, returned, django_capture_on_commit_callbacks):
    client.force_login(applicant)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            edit_url(returned),
            {"education": "bachelor", "work_years": "3", "rsc_hours": "4", "note": "Added."},
        )
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/applicant/"
    saved = Application.objects.get(pk=returned.pk)
    assert (saved.state, saved.registration_work_years, saved.registration_note) == (
        S.REGISTERED,
        Decimal("3.0"),
        "Added.",
    )
    assert list(
        ApplicationEvent.objects.filter(application=returned)
        .order_by("at", "id")
        .values_list("actor", "to_state")
    ) == [(saved.events.first().actor_id, S.RETURNED), (applicant.pk, S.REGISTERED)]
    assert messages_of(response) == [
        "Your registration is sent again. The coordinator will look at it."
    ]
    # The coordinators hear that it came back; the applicant gets no e-mail for their own step.
    coordinator = saved.events.first().actor
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (
            [coordinator.email],
            f"Registration sent again: Ana Applicant ({returned.category.name} (IFS))",
        )
    ]


def test_correct_when_not_returned_goes_back_to_the_dashboard(client, applicant, ifs):
    application = ApplicationFactory(applicant=applicant, category=ifs)
    client.force_login(applicant)
    for response in (
        client.get(edit_url(application)),
        client.post(edit_url(application), {"education": "bachelor"}),
    ):
        assert response.status_code == 302
        assert response["Location"] == "/dashboard/applicant/"
    assert Application.objects.get(pk=application.pk).state == S.REGISTERED


def test_correct_refused_to_another_applicant(client, returned):
    client.force_login(UserFactory())
    assert client.get(edit_url(returned)).status_code == 404
    assert client.post(edit_url(returned), {"education": "none"}).status_code == 404


@pytest.mark.parametrize("same_association", [True, False])
def test_correct_refused_to_coordinators(
    client, make_staff, returned, other_association, same_association
):
    association = returned.association if same_association else other_association
    client.force_login(make_staff(Role.COORDINATOR, association))
    assert client.get(edit_url(returned)).status_code == 404
    post = client.post(
        edit_url(returned), {"education": "none", "work_years": "1", "rsc_hours": "1"}
    )
    assert post.status_code == 404
    assert Application.objects.get(pk=returned.pk).state == S.RETURNED


def test_correct_needs_login(client, returned):
    url = edit_url(returned)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


# The applicant's dashboard


def test_dashboard_offers_to_start(client, applicant, association):
    client.force_login(applicant)
    html = client.get("/dashboard/applicant/").content.decode()
    assert (
        '<a class="btn btn-primary btn-lg" href="/portfolio/start/">Start an application</a>'
        in html
    )
    assert 'href="/portfolio/start/northfield/"' in html


def test_dashboard_shows_the_return_reason_and_the_way_to_correct(client, applicant, returned):
    client.force_login(applicant)
    response = client.get("/dashboard/applicant/")
    [application] = response.context["applications"]
    assert application.return_reason == "Count your years as a home visitor too."
    html = response.content.decode()
    assert (
        'data-state="returned">Your registration was returned: correct it and send it again' in html
    )
    assert "Count your years as a home visitor too." in html
    assert f'href="{edit_url(returned)}"' in html


def test_dashboard_shows_membership_per_application(client, applicant, ifs):
    application = ApplicationFactory(applicant=applicant, category=ifs)
    client.force_login(applicant)
    response = client.get("/dashboard/applicant/")
    assert [a.is_member for a in response.context["applications"]] == [False]
    page = text(response.content.decode())
    assert (
        "Membership is required: join Northfield Association for Infant Mental Health online"
    ) in page
    MembershipFactory(user=applicant, association=application.association)
    response = client.get("/dashboard/applicant/")
    assert [a.is_member for a in response.context["applications"]] == [True]


def test_dashboard_waiting_and_accepted(client, applicant, ifs, make_staff):
    application = ApplicationFactory(applicant=applicant, category=ifs)
    client.force_login(applicant)
    html = client.get("/dashboard/applicant/").content.decode()
    assert "Waiting for the coordinator to accept your registration." in html
    application_transition(application=application, action="accept", by=None)
    html = client.get("/dashboard/applicant/").content.decode()
    assert 'data-state="accepted">Building your portfolio</span>' in html
    assert f'href="/portfolio/{application.pk}/"' in html


@pytest.mark.parametrize("size", [1, 5])
def test_dashboard_query_count_is_constant(
    client, applicant, loaded, make_staff, django_assert_num_queries, size
):
    categories = list(
        EndorsementCategory.objects.filter(framework__association=loaded, framework__version="2025")
    )
    for index in range(size):
        association = AssociationFactory()
        application = ApplicationFactory(applicant=applicant, category=categories[index])
        Application.objects.filter(pk=application.pk).update(association=association)
        # The portal itself (by=None): the application was moved to another association.
        application_transition(
            application=application, action="return_registration", by=None, note="Why"
        )
        MembershipFactory(user=applicant, association=association)
    client.force_login(applicant)
    # Session, user, staff-role check; applications (with the reason), their latest events,
    # the failed ones' retake dates (reviews), the current certificates (credentials),
    # memberships, the professional profile, associations, the invoices (billing), the
    # confirmed proofs of membership elsewhere, endorsements whose renewal is open (portfolios).
    with django_assert_num_queries(13):
        response = client.get("/dashboard/applicant/")
    assert [a.return_reason for a in response.context["applications"]] == ["Why"] * size
    assert [a.is_member for a in response.context["applications"]] == [True] * size


# The public pages lead to the start


def test_association_page_leads_a_signed_in_person_to_the_check(client, applicant, loaded):
    client.force_login(applicant)
    html = client.get("/a/northfield/").content.decode()
    assert (
        '<a class="btn btn-primary" href="/portfolio/start/northfield/">'
        "Check which category fits you and apply</a>"
    ) in html


def test_category_page_leads_to_the_check_when_open(client, applicant, ifs):
    client.force_login(applicant)
    html = client.get("/a/northfield/categories/IFS/").content.decode()
    assert 'href="/portfolio/start/northfield/">Check which category fits you and apply</a>' in html
    EndorsementCategory.objects.filter(pk=ifs.pk).update(is_open=False)
    html = client.get("/a/northfield/categories/IFS/").content.decode()
    assert "Check which category fits you and apply" not in html
