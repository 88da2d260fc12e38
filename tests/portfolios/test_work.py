"""Work experience section: list with the qualifying years, add/edit, delete and undo."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from competencies.enums import RequirementKind, WorkKind
from endorsement.enums import ApplicationState
from portfolios.models import WorkExperience
from tests.factories import (
    ApplicationFactory,
    EndorsementCategoryFactory,
    FrameworkFactory,
    RequirementFactory,
    UserFactory,
    WorkExperienceFactory,
)


@pytest.fixture
def application(association):
    category = EndorsementCategoryFactory(
        framework=FrameworkFactory(association=association), code="IFS"
    )
    RequirementFactory(
        category=category,
        kind=RequirementKind.WORK,
        min_years=Decimal("2.0"),
        work_kind=WorkKind.PAID_INFANT_FAMILY,
        min_hours=None,
        order=2,
    )
    return ApplicationFactory(category=category, state=ApplicationState.ACCEPTED)


@pytest.fixture
def owner(application):
    return application.applicant


@pytest.fixture
def entry(application):
    return WorkExperienceFactory(
        application=application,
        employer="Early Head Start",
        role="Home visitor",
        start=datetime.date(2022, 1, 1),
        end=datetime.date(2024, 6, 30),
        hours_per_week=Decimal("30"),
        supervisor_name="Ana Ruiz",
        supervisor_email="ana@example.org",
    )


def url(name, application, **kwargs):
    return reverse(f"portfolios:work.{name}", kwargs={"application_id": application.pk, **kwargs})


def valid_data(**overrides):
    data = {
        "employer": "Lakeshore Family Center",
        "role": "Infant mental health specialist",
        "start": "2021-02-01",
        "end": "",
        "hours_per_week": "37.5",
        "population_served": "Parents and infants under 3",
        "work_kind": "paid_infant_family",
        "is_paid": "on",
        "is_dyadic": "on",
        "supervisor_name": "Dana Lee",
        "supervisor_email": "dana@example.org",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def count_queries(client, target) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(target)
    assert response.status_code == 200
    return len(captured)


# --- List -----------------------------------------------------------------------------------


def test_the_work_page_shows_the_qualifying_years_and_the_arithmetic(client, owner, entry):
    client.force_login(owner)

    response = client.get(url("list", entry.application))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "<caption>1 job or role</caption>" in html
    assert "Qualifying years: 2.14 of 2 needed — met" in html
    assert (
        "Early Head Start, Home visitor: 1 Jan 2022 – 30 Jun 2024 = 2.50 years × 30/35 hours a "
        "week (full time is 35) = 2.14 years"
    ) in html
    assert "At least 2 years of paid work with infants/toddlers and families." in html
    assert "How the years are counted" in html
    assert "A week of 35 hours or more is full time" in html
    [result] = response.context["work_years"]
    assert (result.years, result.needed, result.met) == (Decimal("2.14"), Decimal("2.0"), True)
    assert "Ana Ruiz" in html
    assert url("edit", entry.application, pk=entry.pk) in html


def test_the_work_page_says_what_does_not_count(client, owner, application):
    WorkExperienceFactory(
        application=application,
        employer="Volunteer Corps",
        role="Helper",
        is_paid=False,
        start=datetime.date(2020, 1, 1),
        end=datetime.date(2020, 12, 31),
    )
    client.force_login(owner)

    response = client.get(url("list", application))

    html = response.content.decode()
    assert "Qualifying years: 0.00 of 2 needed — not met yet" in html
    assert "Volunteer Corps, Helper: not counted: it is not marked as paid work." in html


def test_the_education_alternative_of_ifa_is_shown(client, association):
    category = EndorsementCategoryFactory(
        framework=FrameworkFactory(association=association), code="IFA"
    )
    RequirementFactory(
        category=category,
        kind=RequirementKind.EDUCATION,
        education_levels=["cda", "associate", "bachelor"],
        min_years=Decimal(2),
        work_kind=WorkKind.RELATED,
        min_hours=None,
    )
    application = ApplicationFactory(category=category, state=ApplicationState.ACCEPTED)
    WorkExperienceFactory(
        application=application,
        start=datetime.date(2023, 1, 1),
        end=datetime.date(2023, 12, 31),
        work_kind=WorkKind.RELATED,
        is_paid=False,
    )
    client.force_login(application.applicant)

    response = client.get(url("list", application))

    [result] = response.context["work_years"]
    assert result.requirement.kind == RequirementKind.EDUCATION
    assert "Qualifying years: 1.00 of 2 needed — not met yet" in response.content.decode()


def test_a_category_without_work_requirements_shows_no_years(client, association):
    category = EndorsementCategoryFactory(framework=FrameworkFactory(association=association))
    application = ApplicationFactory(category=category, state=ApplicationState.ACCEPTED)
    client.force_login(application.applicant)

    response = client.get(url("list", application))

    assert response.context["work_years"] == []
    html = response.content.decode()
    assert "Do your years count?" not in html
    assert "No work experience listed yet." in html


def test_list_queries_do_not_grow_with_the_entries(client, owner, application):
    client.force_login(owner)
    WorkExperienceFactory(application=application)
    WorkExperienceFactory(application=application, deleted_at=timezone.now())
    count_queries(client, url("list", application))  # warm up
    one = count_queries(client, url("list", application))

    for year in range(2000, 2020):
        WorkExperienceFactory(
            application=application,
            start=datetime.date(year, 1, 1),
            end=datetime.date(year, 12, 31),
        )
        WorkExperienceFactory(application=application, deleted_at=timezone.now())
    many = count_queries(client, url("list", application))

    assert many == one
    assert one <= 15


def test_list_queries_for_the_coordinator_do_not_grow(client, make_staff, association, application):
    client.force_login(make_staff(Role.COORDINATOR, association))
    WorkExperienceFactory(application=application)
    count_queries(client, url("list", application))
    one = count_queries(client, url("list", application))
    WorkExperienceFactory.create_batch(10, application=application)

    assert count_queries(client, url("list", application)) == one


def test_the_coordinator_reads_the_list_without_edit_links(client, make_staff, association, entry):
    client.force_login(make_staff(Role.COORDINATOR, association))

    response = client.get(url("list", entry.application))

    assert response.status_code == 200
    assert response.context["can_edit"] is False
    assert url("edit", entry.application, pk=entry.pk) not in response.content.decode()


# --- Add and edit ---------------------------------------------------------------------------


def test_adding_current_work(client, owner, application):
    client.force_login(owner)

    response = client.post(url("add", application), valid_data())

    assert response.status_code == 302
    assert response["Location"] == url("list", application)
    entry = WorkExperience.objects.get()
    assert entry.application == application
    assert (entry.employer, entry.role, entry.population_served) == (
        "Lakeshore Family Center",
        "Infant mental health specialist",
        "Parents and infants under 3",
    )
    assert (entry.start, entry.end) == (datetime.date(2021, 2, 1), None)
    assert entry.hours_per_week == Decimal("37.5")
    assert entry.work_kind == WorkKind.PAID_INFANT_FAMILY
    assert (entry.is_paid, entry.is_dyadic) == (True, True)
    assert (entry.supervisor_name, entry.supervisor_email) == ("Dana Lee", "dana@example.org")


def test_unticked_boxes_are_saved_as_no(client, owner, application):
    client.force_login(owner)

    data = valid_data(is_paid=None, is_dyadic=None, end="2021-12-31")
    response = client.post(url("add", application), data)

    assert response.status_code == 302
    entry = WorkExperience.objects.get()
    assert (entry.is_paid, entry.is_dyadic, entry.end) == (
        False,
        False,
        datetime.date(2021, 12, 31),
    )


def test_the_add_form_has_labels_and_date_pickers(client, owner, application):
    client.force_login(owner)

    response = client.get(url("add", application))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1") == 1
    assert '<input type="date" name="start"' in html
    assert 'for="id_hours_per_week" class="form-label requiredField"' in html
    assert 'max="80"' in html


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (
            {"start": "2022-01-01", "end": "2021-12-31"},
            {"end": ["This date is before the start date."]},
        ),
        (
            {"start": "2999-01-01"},
            {"start": ["This date is in the future: enter a date up to today."]},
        ),
        (
            {"end": "2999-01-01"},
            {"end": ["This date is in the future: enter a date up to today."]},
        ),
        ({"hours_per_week": "0"}, {"hours_per_week": ["Enter more than 0 hours."]}),
        ({"hours_per_week": "80.5"}, {"hours_per_week": ["Enter at most 80 hours a week."]}),
        (
            {"work_kind": "astronaut"},
            {
                "work_kind": [
                    "Select a valid choice. astronaut is not one of the available choices."
                ]
            },
        ),
        (
            {"supervisor_email": "not an address"},
            {"supervisor_email": ["Enter a valid email address."]},
        ),
        (
            {"employer": "", "start": ""},
            {"employer": ["This field is required."], "start": ["This field is required."]},
        ),
    ],
)
def test_invalid_work_is_refused_and_what_was_typed_kept(client, owner, application, data, errors):
    client.force_login(owner)

    response = client.post(url("add", application), valid_data(**data))

    assert response.status_code == 200
    assert response.context["form"].errors == errors
    assert WorkExperience.objects.count() == 0
    assert 'value="Parents and infants under 3"' in response.content.decode()


def test_editing_work(client, owner, entry):
    client.force_login(owner)

    response = client.post(
        url("edit", entry.application, pk=entry.pk),
        valid_data(employer="Early Head Start North", end="2024-12-31", hours_per_week="20"),
    )

    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.employer == "Early Head Start North"
    assert entry.end == datetime.date(2024, 12, 31)
    assert entry.hours_per_week == Decimal("20")


def test_autosave_keeps_a_draft(client, owner, application):
    client.force_login(owner)

    response = client.post(
        url("add", application), {"employer": "Half typed"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    assert response.content.decode() == "Draft saved."
    assert WorkExperience.objects.count() == 0
    response = client.get(url("add", application))
    assert 'value="Half typed"' in response.content.decode()


# --- Delete and undo ------------------------------------------------------------------------


def test_delete_asks_first_then_can_be_undone(client, owner, entry):
    application = entry.application
    client.force_login(owner)

    response = client.get(url("delete", application, pk=entry.pk))
    assert response.status_code == 200
    assert "Delete “Home visitor, Early Head Start”?" in response.content.decode()

    client.post(url("delete", application, pk=entry.pk))
    entry.refresh_from_db()
    assert entry.deleted_at is not None
    response = client.get(url("list", application))
    assert list(response.context["items"]) == []
    assert list(response.context["deleted_items"]) == [entry]
    # Deleted work no longer counts.
    assert response.context["work_years"][0].years == Decimal("0.00")

    client.post(url("restore", application, pk=entry.pk))
    entry.refresh_from_db()
    assert entry.deleted_at is None


# --- Refusals on every URL ------------------------------------------------------------------

ALL = ["list", "add", "edit", "delete", "restore"]


def _request(client, name, entry):
    kwargs = {} if name in ("list", "add") else {"pk": entry.pk}
    target = url(name, entry.application, **kwargs)
    if name == "restore":
        return client.post(target)
    return client.get(target)


@pytest.mark.parametrize("name", ALL)
def test_another_applicant_gets_404(client, name, entry):
    client.force_login(UserFactory())

    assert _request(client, name, entry).status_code == 404


@pytest.mark.parametrize("name", ALL)
def test_a_coordinator_of_another_association_gets_404(
    client, make_staff, other_association, name, entry
):
    client.force_login(make_staff(Role.COORDINATOR, other_association))

    assert _request(client, name, entry).status_code == 404


@pytest.mark.parametrize("name", ALL)
def test_anonymous_is_sent_to_log_in(client, name, entry):
    response = _request(client, name, entry)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login") + "?next=")


@pytest.mark.parametrize("name", ["add", "edit", "delete", "restore"])
def test_the_coordinator_cannot_change_the_applicants_work(
    client, make_staff, association, name, entry
):
    client.force_login(make_staff(Role.COORDINATOR, association))

    assert _request(client, name, entry).status_code == 404


@pytest.mark.parametrize("name", ["add", "edit", "delete", "restore"])
def test_after_submission_the_owner_gets_403(client, association, name):
    category = EndorsementCategoryFactory(framework=FrameworkFactory(association=association))
    submitted = ApplicationFactory(category=category, state=ApplicationState.SUBMITTED)
    entry = WorkExperienceFactory(application=submitted)
    client.force_login(submitted.applicant)

    assert _request(client, name, entry).status_code == 403


def test_after_submission_posting_changes_nothing(client, association):
    category = EndorsementCategoryFactory(framework=FrameworkFactory(association=association))
    submitted = ApplicationFactory(category=category, state=ApplicationState.SUBMITTED)
    entry = WorkExperienceFactory(application=submitted, employer="Before")
    client.force_login(submitted.applicant)

    assert client.post(url("add", submitted), valid_data()).status_code == 403
    response = client.post(url("edit", submitted, pk=entry.pk), valid_data(employer="After"))
    assert response.status_code == 403
    assert client.post(url("delete", submitted, pk=entry.pk)).status_code == 403
    entry.refresh_from_db()
    assert (entry.employer, entry.deleted_at) == ("Before", None)
    assert WorkExperience.objects.count() == 1


def test_work_of_another_portfolio_is_not_found_through_mine(client, owner, application):
    other = WorkExperienceFactory()
    client.force_login(owner)

    assert client.get(url("edit", application, pk=other.pk)).status_code == 404
    assert client.post(url("delete", application, pk=other.pk)).status_code == 404
    assert client.post(url("restore", application, pk=other.pk)).status_code == 404


@pytest.mark.parametrize("role", [Role.ADVISOR, Role.REVIEWER])
@pytest.mark.parametrize("name", ALL)
def test_an_advisor_or_reviewer_not_assigned_gets_404(
    client, make_staff, association, role, name, entry
):
    client.force_login(make_staff(role, association))

    assert _request(client, name, entry).status_code == 404
