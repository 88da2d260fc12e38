"""Qualifying years of work, with exact numbers."""

import datetime
from decimal import Decimal

import pytest

from competencies.enums import RequirementKind, WorkKind
from endorsement.enums import ApplicationState
from portfolios.models import WorkExperience
from portfolios.work_years import FULL_TIME_HOURS, qualifying_work, work_requirements
from tests.factories import (
    ApplicationFactory,
    EndorsementCategoryFactory,
    FrameworkFactory,
    RequirementFactory,
    WorkExperienceFactory,
)

D = datetime.date
TODAY = D(2025, 3, 15)


@pytest.fixture
def application(association):
    category = EndorsementCategoryFactory(framework=FrameworkFactory(association=association))
    return ApplicationFactory(category=category, state=ApplicationState.ACCEPTED)


@pytest.fixture
def paid_requirement(application):
    return RequirementFactory(
        category=application.category,
        kind=RequirementKind.WORK,
        min_years=Decimal("2.0"),
        work_kind=WorkKind.PAID_INFANT_FAMILY,
        min_hours=None,
    )


def work(application, start, end, hours=35, **kwargs):
    kwargs.setdefault("employer", "Early Head Start")
    kwargs.setdefault("role", "Home visitor")
    return WorkExperienceFactory(
        application=application, start=start, end=end, hours_per_week=Decimal(hours), **kwargs
    )


def test_full_time_is_35_hours():
    assert Decimal(35) == FULL_TIME_HOURS


def test_part_time_work_counts_in_proportion(application, paid_requirement):
    work(application, D(2022, 1, 1), D(2024, 6, 30), hours=30)

    result = qualifying_work(application=application, requirement=paid_requirement, today=TODAY)

    assert result.years == Decimal("2.14")
    assert result.needed == Decimal("2.0")
    assert result.met is True
    assert result.lines == [
        "Early Head Start, Home visitor: 1 Jan 2022 – 30 Jun 2024 = 2.50 years × 30/35 hours "
        "a week (full time is 35) = 2.14 years"
    ]
    assert result.not_counted == []
    assert result.summary == "Qualifying years: 2.14 of 2 needed — met"


def test_leap_years_weigh_the_same(application, paid_requirement):
    # 2020 and 2024 are leap years: 1,461 days from 2020 to 2023, 366 in 2024.
    work(application, D(2020, 1, 1), D(2023, 12, 31), employer="A")
    work(application, D(2024, 1, 1), D(2024, 12, 31), employer="B")

    result = qualifying_work(application=application, requirement=paid_requirement, today=TODAY)

    assert result.lines == [
        "A, Home visitor: 1 Jan 2020 – 31 Dec 2023 = 4.00 years, full time (35 hours a week; "
        "full time is 35) = 4.00 years",
        "B, Home visitor: 1 Jan 2024 – 31 Dec 2024 = 1.00 years, full time (35 hours a week; "
        "full time is 35) = 1.00 years",
        "Total: 5.00 years",
    ]
    assert result.years == Decimal("5.00")


def test_more_than_full_time_counts_as_full_time(application, paid_requirement):
    work(application, D(2023, 3, 1), D(2024, 2, 29), hours="42.5")  # 366 days

    result = qualifying_work(application=application, requirement=paid_requirement, today=TODAY)

    assert result.years == Decimal("1.00")
    assert result.met is False
    assert result.summary == "Qualifying years: 1.00 of 2 needed — not met yet"
    assert result.lines == [
        "Early Head Start, Home visitor: 1 Mar 2023 – 29 Feb 2024 = 1.00 years, full time "
        "(42.5 hours a week; full time is 35) = 1.00 years"
    ]


def test_overlapping_full_time_jobs_are_not_counted_twice(application, paid_requirement):
    work(application, D(2020, 1, 1), D(2021, 12, 31), employer="A")  # 731 days
    work(application, D(2021, 1, 1), D(2022, 12, 31), employer="B")  # 730 days, 365 shared

    result = qualifying_work(application=application, requirement=paid_requirement, today=TODAY)

    assert result.lines == [
        "A, Home visitor: 1 Jan 2020 – 31 Dec 2021 = 2.00 years, full time (35 hours a week; "
        "full time is 35) = 2.00 years",
        "B, Home visitor: 1 Jan 2021 – 31 Dec 2022 = 2.00 years, full time (35 hours a week; "
        "full time is 35) = 2.00 years",
        "Worked in more than one job at once: hours a week count together only up to full "
        "time, so − 1.00 years",
        "Total: 3.00 years",
    ]
    # 2020 to 2022 is 1,096 days: 3.00 years.
    assert result.years == Decimal("3.00")


def test_the_same_job_entered_twice_counts_once(application, paid_requirement):
    work(application, D(2022, 1, 1), D(2023, 12, 31))
    work(application, D(2022, 1, 1), D(2023, 12, 31))

    result = qualifying_work(application=application, requirement=paid_requirement, today=TODAY)

    assert result.years == Decimal("2.00")


def test_part_time_jobs_at_the_same_time_add_up_to_full_time(application, paid_requirement):
    # Two 20-hour jobs through 2023: 40 hours a week, counted as full time for the year.
    work(application, D(2023, 1, 1), D(2023, 12, 31), hours=20, employer="A")
    work(application, D(2023, 1, 1), D(2023, 12, 31), hours=20, employer="B")

    result = qualifying_work(application=application, requirement=paid_requirement, today=TODAY)

    assert result.lines == [
        "A, Home visitor: 1 Jan 2023 – 31 Dec 2023 = 1.00 years × 20/35 hours a week (full "
        "time is 35) = 0.57 years",
        "B, Home visitor: 1 Jan 2023 – 31 Dec 2023 = 1.00 years × 20/35 hours a week (full "
        "time is 35) = 0.57 years",
        "Worked in more than one job at once: hours a week count together only up to full "
        "time, so − 0.14 years",
        "Total: 1.00 years",
    ]
    assert result.years == Decimal("1.00")


def test_part_time_jobs_below_full_time_together_both_count(application, paid_requirement):
    work(application, D(2023, 1, 1), D(2023, 12, 31), hours="17.5", employer="A")
    work(application, D(2023, 1, 1), D(2023, 12, 31), hours="17.5", employer="B")

    result = qualifying_work(application=application, requirement=paid_requirement, today=TODAY)

    assert result.years == Decimal("1.00")
    assert len(result.lines) == 3  # two entries and the total: nothing taken off


def test_current_work_counts_up_to_today(application, paid_requirement):
    work(application, D(2023, 1, 1), None, hours=35)

    result = qualifying_work(
        application=application, requirement=paid_requirement, today=D(2024, 12, 31)
    )

    # 731 days.
    assert result.years == Decimal("2.00")
    assert result.met is True
    assert result.lines == [
        "Early Head Start, Home visitor: 1 Jan 2023 – today (31 Dec 2024) = 2.00 years, full "
        "time (35 hours a week; full time is 35) = 2.00 years"
    ]


def test_current_work_defaults_to_the_associations_today(application, paid_requirement):
    today = application.association.today()
    work(application, today - datetime.timedelta(days=364), None)

    result = qualifying_work(application=application, requirement=paid_requirement)

    assert result.years == Decimal("1.00")
    assert f"today ({today.day} " in result.lines[0]


def test_an_end_date_after_today_counts_up_to_today(application, paid_requirement):
    work(application, D(2024, 3, 15), D(2026, 1, 1))

    result = qualifying_work(application=application, requirement=paid_requirement, today=TODAY)

    assert result.years == Decimal("1.00")  # 366 days
    assert "– today (15 Mar 2025) =" in result.lines[0]


def test_work_starting_after_today_does_not_count(application, paid_requirement):
    work(application, D(2025, 6, 1), None)

    result = qualifying_work(application=application, requirement=paid_requirement, today=TODAY)

    assert result.years == Decimal("0.00")
    assert result.lines == []
    assert result.not_counted == [
        "Early Head Start, Home visitor: not counted: it starts after today."
    ]


def test_unpaid_work_does_not_count_for_paid_work(application, paid_requirement):
    work(application, D(2020, 1, 1), D(2023, 12, 31), is_paid=False, employer="Volunteer Corps")
    work(application, D(2024, 1, 1), D(2024, 12, 31))

    result = qualifying_work(application=application, requirement=paid_requirement, today=TODAY)

    assert result.years == Decimal("1.00")
    assert result.met is False
    assert result.not_counted == [
        "Volunteer Corps, Home visitor: not counted: it is not marked as paid work."
    ]


def test_work_of_another_kind_does_not_count(application, paid_requirement):
    work(application, D(2020, 1, 1), D(2023, 12, 31), work_kind=WorkKind.PRACTICE_LEADER)

    result = qualifying_work(application=application, requirement=paid_requirement, today=TODAY)

    assert result.years == Decimal("0.00")
    assert result.not_counted == [
        "Early Head Start, Home visitor: not counted: it is leadership in practice; this "
        "requirement asks for paid work with infants/toddlers and families."
    ]


def test_dyadic_work_must_be_marked_dyadic(application):
    requirement = RequirementFactory(
        category=application.category,
        kind=RequirementKind.WORK,
        min_years=Decimal(2),
        work_kind=WorkKind.POSTGRAD_DYADIC,
    )
    work(application, D(2020, 1, 1), D(2021, 12, 31), work_kind=WorkKind.POSTGRAD_DYADIC)
    work(
        application,
        D(2022, 1, 1),
        D(2023, 12, 31),
        work_kind=WorkKind.POSTGRAD_DYADIC,
        is_dyadic=True,
        employer="Clinic",
        role="Therapist",
    )

    result = qualifying_work(application=application, requirement=requirement, today=TODAY)

    assert result.years == Decimal("2.00")
    assert result.met is True
    assert result.not_counted == [
        "Early Head Start, Home visitor: not counted: it is not marked as dyadic work."
    ]
    assert result.lines[0].startswith("Clinic, Therapist: 1 Jan 2022 – 31 Dec 2023 = 2.00 years")


def test_related_work_accepts_every_kind_paid_or_not(application):
    """IFA: a degree, or 2 years of related work (supervised volunteer work may count)."""
    requirement = RequirementFactory(
        category=application.category,
        kind=RequirementKind.EDUCATION,
        education_levels=["cda", "associate", "bachelor"],
        min_years=Decimal(2),
        work_kind=WorkKind.RELATED,
    )
    work(application, D(2022, 1, 1), D(2022, 12, 31), work_kind=WorkKind.RELATED, is_paid=False)
    work(application, D(2023, 1, 1), D(2023, 12, 31), work_kind=WorkKind.PAID_INFANT_FAMILY)

    result = qualifying_work(application=application, requirement=requirement, today=TODAY)

    assert result.years == Decimal("2.00")
    assert result.met is True
    assert result.not_counted == []


def test_deleted_work_does_not_count(application, paid_requirement):
    entry = work(application, D(2020, 1, 1), D(2023, 12, 31))
    entry.deleted_at = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
    entry.save()

    result = qualifying_work(application=application, requirement=paid_requirement, today=TODAY)

    assert result.years == Decimal("0.00")
    assert result.lines == []


def test_no_work_and_no_years_needed_is_met(application):
    requirement = RequirementFactory(
        category=application.category, kind=RequirementKind.WORK, min_years=None, work_kind=""
    )

    result = qualifying_work(application=application, requirement=requirement, today=TODAY)

    assert (result.years, result.needed, result.met) == (Decimal("0.00"), Decimal(0), True)


def test_queries_one_read_or_none_when_given_the_entries(
    application, paid_requirement, django_assert_num_queries
):
    for year in range(2000, 2020):
        work(application, D(year, 1, 1), D(year, 6, 30))

    with django_assert_num_queries(1):
        read = qualifying_work(application=application, requirement=paid_requirement, today=TODAY)
    entries = list(WorkExperience.objects.filter(application=application))
    with django_assert_num_queries(0):
        given = qualifying_work(
            application=application, requirement=paid_requirement, entries=entries, today=TODAY
        )
    # 20 half years of 181 or 182 days, each line rounded to 0.50 years.
    assert read.years == given.years == Decimal("10.00")


def test_work_requirements_picks_work_rows_and_education_with_a_work_alternative(application):
    category = application.category
    education_only = RequirementFactory(
        category=category, kind=RequirementKind.EDUCATION, education_levels=["master"]
    )
    education_or_work = RequirementFactory(
        category=category,
        kind=RequirementKind.EDUCATION,
        education_levels=["cda"],
        min_years=Decimal(2),
        work_kind=WorkKind.RELATED,
    )
    work_row = RequirementFactory(
        category=category, kind=RequirementKind.WORK, min_years=Decimal(2), work_kind="related"
    )
    training = RequirementFactory(category=category)

    assert work_requirements([education_only, education_or_work, work_row, training]) == [
        education_or_work,
        work_row,
    ]
