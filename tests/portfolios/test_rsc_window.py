"""The RS/C window check: which hours count, the spread, the hours about RS/C provided."""

import datetime
from decimal import Decimal

import pytest

from competencies.enums import RequirementKind, RSCTopic
from competencies.models import Requirement
from portfolios.models import RSCEntry
from portfolios.rsc_window import (
    counted_hours,
    format_hours,
    months_spanned,
    rsc_evaluate,
    rsc_status,
    window_start,
)
from tests.factories import RequirementFactory
from tests.portfolios.training_helpers import add_rsc, make_application, make_category

D = datetime.date


def requirement(min_hours=None, *, low=None, high=None, topic="", optional=False):
    return Requirement(
        kind=RequirementKind.RSC,
        min_hours=None if min_hours is None else Decimal(min_hours),
        window_min_months=low,
        window_max_months=high,
        topic=topic,
        is_optional=optional,
    )


def entry(hours, start, end, *, about=False, pk=None):
    return RSCEntry(
        pk=pk,
        provider_name="Dana",
        format="individual",
        hours=Decimal(str(hours)),
        start=start,
        end=end,
        about_rsc_provided=about,
    )


IFS = requirement(24, low=12, high=24)


def test_the_window_is_whole_calendar_months_ending_with_the_latest_month():
    assert window_start(end=D(2026, 2, 15), months=24) == D(2024, 3, 1)
    assert window_start(end=D(2026, 12, 31), months=12) == D(2026, 1, 1)
    assert window_start(end=D(2026, 1, 1), months=1) == D(2026, 1, 1)


def test_months_spanned_counts_both_ends():
    assert months_spanned(D(2025, 1, 20), D(2025, 8, 2)) == 8
    assert months_spanned(D(2024, 11, 1), D(2025, 2, 28)) == 4
    assert months_spanned(D(2025, 5, 1), D(2025, 5, 31)) == 1


def test_counted_hours_prorates_an_entry_straddling_the_window_start():
    # 1 February to 31 March 2024 is 60 days; 31 of them are in March.
    straddling = entry(12, D(2024, 2, 1), D(2024, 3, 31))
    assert counted_hours(straddling, D(2024, 3, 1)) == Decimal("6.2")
    assert counted_hours(straddling, None) == Decimal("12")
    assert counted_hours(entry(5, D(2024, 1, 1), D(2024, 2, 29)), D(2024, 3, 1)) == Decimal("0")
    assert counted_hours(entry(5, D(2024, 3, 1), D(2024, 3, 2)), D(2024, 3, 1)) == Decimal("5")


def test_hours_before_the_window_do_not_count():
    entries = [
        entry(6, D(2024, 1, 1), D(2024, 2, 29)),
        entry(10, D(2024, 6, 1), D(2024, 12, 31)),
        entry(8, D(2025, 1, 1), D(2026, 2, 15)),
    ]
    [result] = rsc_evaluate(requirements=[IFS], entries=entries, today=D(2026, 5, 1))
    assert result.hours == Decimal("18")
    assert result.needed == Decimal("24")
    assert result.met is False
    assert result.window_start == D(2024, 3, 1)
    assert result.window_end == D(2026, 2, 15)
    assert result.span_months == 21
    assert result.messages == [
        "18 of 24 hours within 24 months",
        "Hours before March 2024 fall outside the 24-month window and do not count",
    ]
    assert [c.hours for c in result.entries] == [Decimal("0"), Decimal("10"), Decimal("8")]


def test_hours_must_be_spread_over_the_minimum_months():
    entries = [entry(20, D(2025, 1, 6), D(2025, 5, 30)), entry(10, D(2025, 6, 2), D(2025, 8, 25))]
    [result] = rsc_evaluate(requirements=[IFS], entries=entries, today=D(2026, 5, 1))
    assert result.hours == Decimal("30")
    assert result.span_months == 8
    assert result.met is False
    assert result.messages == [
        "30 of 24 hours within 24 months",
        "Your hours span 8 months; they must be spread over at least 12 months",
    ]


def test_enough_hours_spread_over_enough_months_meet_the_requirement():
    entries = [entry(12, D(2024, 3, 1), D(2025, 2, 28)), entry(12, D(2025, 3, 1), D(2026, 2, 28))]
    [result] = rsc_evaluate(requirements=[IFS], entries=entries, today=D(2026, 5, 1))
    assert (result.hours, result.met, result.span_months) == (Decimal("24"), True, 24)
    assert result.messages == ["24 of 24 hours within 24 months"]


def test_a_partly_counted_entry_counts_in_proportion_and_starts_the_span_at_the_window():
    entries = [entry(12, D(2024, 2, 1), D(2024, 3, 31)), entry(20, D(2024, 4, 1), D(2026, 2, 10))]
    [result] = rsc_evaluate(requirements=[IFS], entries=entries, today=D(2026, 5, 1))
    assert result.hours == Decimal("26.2")
    assert result.span_months == 24
    assert result.met is True
    assert result.entries[0].is_partial is True
    assert result.messages == [
        "26.2 of 24 hours within 24 months",
        "Hours before March 2024 fall outside the 24-month window and do not count",
    ]


def test_without_entries_the_window_ends_today():
    [result] = rsc_evaluate(requirements=[IFS], entries=[], today=D(2026, 5, 10))
    assert (result.hours, result.met, result.span_months) == (Decimal("0"), False, None)
    assert result.window_start == D(2024, 6, 1)
    assert result.messages == ["0 of 24 hours within 24 months"]


def test_mentor_rows_count_all_hours_and_those_about_rsc_provided():
    rows = [requirement(50), requirement(25, topic=RSCTopic.ABOUT_RSC_PROVIDED)]
    entries = [
        entry(30, D(2019, 1, 1), D(2020, 12, 31)),
        entry(10, D(2021, 1, 1), D(2021, 6, 30), about=True),
        entry(7.5, D(2022, 1, 1), D(2022, 3, 31), about=True),
    ]
    total, about = rsc_evaluate(requirements=rows, entries=entries, today=D(2026, 5, 1))
    assert (total.hours, total.needed, total.met) == (Decimal("47.5"), Decimal("50"), False)
    assert total.messages == ["47.5 of 50 hours"]
    assert (about.hours, about.needed, about.met) == (Decimal("17.5"), Decimal("25"), False)
    assert about.messages == ["17.5 of 25 hours about the RS/C you provide"]
    assert about.window_start is None


def test_a_topic_row_without_a_window_uses_the_main_rows_window():
    rows = [requirement(50, low=12, high=24), requirement(25, topic=RSCTopic.ABOUT_RSC_PROVIDED)]
    entries = [
        entry(20, D(2023, 1, 1), D(2023, 12, 31), about=True),
        entry(30, D(2024, 6, 1), D(2026, 1, 31), about=True),
    ]
    total, about = rsc_evaluate(requirements=rows, entries=entries, today=D(2026, 5, 1))
    assert about.window_start == D(2024, 2, 1)
    assert about.hours == Decimal("30")
    assert about.met is True
    assert about.messages == [
        "30 of 25 hours about the RS/C you provide within 24 months",
        "Hours before February 2024 fall outside the 24-month window and do not count",
    ]
    assert total.messages == [
        "30 of 50 hours within 24 months",
        "Hours before February 2024 fall outside the 24-month window and do not count",
    ]


def test_optional_rows_are_met_and_say_what_was_received():
    rows = [requirement(optional=True)]
    [result] = rsc_evaluate(
        requirements=rows, entries=[entry(12, D(2025, 1, 1), D(2025, 6, 1))], today=D(2026, 5, 1)
    )
    assert (result.hours, result.needed, result.met) == (Decimal("12"), Decimal("0"), True)
    assert result.messages == ["12 hours received (optional)"]

    [optional_hours] = rsc_evaluate(
        requirements=[requirement(24, high=24, optional=True)], entries=[], today=D(2026, 5, 1)
    )
    assert optional_hours.met is True
    assert optional_hours.messages == ["Optional: 0 of 24 hours within 24 months"]


def test_format_hours_drops_a_zero_decimal():
    assert format_hours(Decimal("18.0")) == "18"
    assert format_hours(Decimal("7.5")) == "7.5"
    assert format_hours(Decimal("0")) == "0"


@pytest.mark.django_db
def test_rsc_status_judges_the_live_entries_of_the_application(
    association, django_assert_num_queries
):
    category = make_category(association)
    RequirementFactory(
        category=category,
        kind=RequirementKind.RSC,
        min_hours=24,
        window_min_months=12,
        window_max_months=24,
    )
    RequirementFactory(category=category, kind=RequirementKind.TRAINING, min_hours=30)
    application = make_application(category)
    add_rsc(application, 10, D(2024, 6, 1), D(2024, 12, 31))
    add_rsc(application, 8, D(2025, 1, 1), D(2026, 2, 15))
    deleted = add_rsc(application, 40, D(2025, 1, 1), D(2026, 2, 15))
    RSCEntry.objects.filter(pk=deleted.pk).update(deleted_at=datetime.datetime.now(datetime.UTC))
    other = make_application(category)
    add_rsc(other, 100, D(2025, 1, 1), D(2026, 2, 15))

    with django_assert_num_queries(2):
        [result] = rsc_status(application=application, today=D(2026, 5, 1))
    assert result.requirement.min_hours == Decimal("24")
    assert (result.hours, result.needed, result.met) == (Decimal("18"), Decimal("24"), False)
    assert result.messages == ["18 of 24 hours within 24 months"]


@pytest.mark.django_db
def test_rsc_status_is_empty_for_a_category_without_rsc_rows(association):
    application = make_application(make_category(association))
    add_rsc(application, 10, D(2024, 6, 1), D(2024, 12, 31))
    assert rsc_status(application=application) == []


def test_the_main_row_is_the_one_without_a_topic_whatever_the_order():
    rows = [requirement(25, topic=RSCTopic.ABOUT_RSC_PROVIDED), requirement(50, high=12)]
    entries = [entry(30, D(2025, 1, 1), D(2025, 12, 31), about=True)]
    about, total = rsc_evaluate(requirements=rows, entries=entries, today=D(2026, 5, 1))
    assert about.window_start == total.window_start == D(2025, 1, 1)
    assert about.is_optional is False
    assert (about.met, total.met) == (True, False)
