import datetime
from decimal import Decimal

import pytest

from accounts.models import WorkforceProfile
from billing.enums import FeeType, PaymentKind, PaymentMethod
from endorsement.enums import ApplicationState as S
from endorsement.enums import EndorsementStatus
from endorsement.models import Application
from reports.selectors import (
    active_endorsements,
    applications_by_state,
    decision_times,
    percentile,
    renewals_due,
    revenue,
    waivers_granted,
    workforce_growth,
)
from tests.factories import (
    ApplicationFactory,
    EndorsementCategoryFactory,
    EndorsementFactory,
    UserFactory,
)
from tests.reports.conftest import at, event, money_row

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("values", "fraction", "expected"),
    [
        ([], 0.5, None),
        ([7], 0.5, 7),
        ([7], 0.9, 7),
        ([4, 1, 3, 2], 0.5, 2.5),
        ([4, 1, 3, 2], 0.9, 3.7),
        ([5, 1, 3], 0.5, 3),
        (list(range(1, 11)), 0.9, 9.1),
        (list(range(1, 11)), 0.5, 5.5),
    ],
)
def test_percentile_interpolates_between_the_closest_ranks(values, fraction, expected):
    assert percentile(values, fraction) == (None if expected is None else pytest.approx(expected))


def test_decision_times_per_quarter_of_the_decision_in_the_association_time_zone(
    association, other_association, category
):
    def application(*steps):
        app = ApplicationFactory(association=association, category=category)
        for state, moment in steps:
            event(app, state, moment)
        return app

    # 31 March, 23:30 in New York is 1 April in UTC: the first quarter where the association is.
    application((S.SUBMITTED, at(2026, 3, 21, 23, 30)), (S.APPROVED, at(2026, 3, 31, 23, 30)))
    # Deferred and resubmitted: counted from the first submission, to the first decision.
    application(
        (S.SUBMITTED, at(2026, 1, 1, 12)),
        (S.DEFERRED, at(2026, 1, 10, 12)),
        (S.SUBMITTED, at(2026, 2, 1, 12)),
        (S.APPROVED, at(2026, 2, 10, 12)),
        (S.AWARDED, at(2026, 2, 20, 12)),
    )
    application((S.SUBMITTED, at(2026, 1, 1, 12)), (S.DENIED, at(2026, 1, 31, 12)))
    application((S.SUBMITTED, at(2026, 1, 1, 12)), (S.APPROVED, at(2026, 1, 3, 0)))
    # The second quarter: one decision.
    application((S.SUBMITTED, at(2026, 3, 31, 12)), (S.APPROVED, at(2026, 4, 1, 0, 30)))
    # Submitted, not decided; decided without a recorded submission: not counted.
    application((S.SUBMITTED, at(2026, 2, 1, 12)))
    application((S.APPROVED, at(2026, 2, 1, 12)))
    # Another association's decision.
    other = ApplicationFactory(
        association=other_association, category__framework__association=other_association
    )
    event(other, S.SUBMITTED, at(2026, 1, 1))
    event(other, S.APPROVED, at(2026, 1, 2))
    # The year before.
    application((S.SUBMITTED, at(2025, 12, 1, 12)), (S.APPROVED, at(2025, 12, 11, 12)))

    data = decision_times(association=association)
    # Q1 2026: 10, 40, 30 and 1.5 days -> median 20.0, 90th percentile 31 + 0.7 * 9 = 37.0.
    assert data.rows == [
        ["Q4 2025", 1, 10.0, 10.0],
        ["Q1 2026", 4, 20.0, 37.0],
        ["Q2 2026", 1, 0.5, 0.5],
    ]
    assert decision_times(association=association, year=2026).rows == data.rows[1:]
    assert [s.values for s in data.series] == [[10.0, 20.0, 0.5], [10.0, 37.0, 0.5]]


def test_applications_by_state_and_category(association, other_association, category):
    imhs = EndorsementCategoryFactory(framework=category.framework, code="IMHS", order=2)
    category.order = 1
    category.save()
    for _ in range(3):
        ApplicationFactory(association=association, category=category)
    ApplicationFactory(association=association, category=category, state=S.SUBMITTED)
    old = ApplicationFactory(association=association, category=imhs, state=S.SUBMITTED)
    Application.objects.filter(pk=old.pk).update(created=at(2025, 12, 31, 23))
    ApplicationFactory(category__framework__association=other_association)

    data = applications_by_state(association=association)
    assert data.columns == ["State", "IFS", "IMHS", "Total"]
    rows = {row[0]: row[1:] for row in data.rows}
    assert len(data.rows) == len(S.values)
    assert rows["Registered"] == [3, 0, 3]
    assert rows["Submitted"] == [1, 1, 2]
    assert rows["Awarded"] == [0, 0, 0]
    assert data.summary == "5 applications in all."
    # Registered in 2026 where the association is (23:00 on 31 December is still 2025).
    rows_2026 = {
        row[0]: row[1:] for row in applications_by_state(association=association, year=2026).rows
    }
    assert rows_2026["Submitted"] == [1, 1]
    assert applications_by_state(association=association, year=2020).empty


def _holder(association, category, *, languages=(), region="", status=EndorsementStatus.ACTIVE):
    endorsement = EndorsementFactory(
        category=category, application__association=association, status=status
    )
    WorkforceProfile.objects.create(
        user=endorsement.holder, languages=list(languages), region=region
    )
    return endorsement


def test_current_endorsements_by_category_and_holders_by_language_suppress_small_groups(
    association, other_association, category
):
    for _ in range(5):
        _holder(association, category, languages=["es", "en"])
    for _ in range(2):
        _holder(association, category, languages=["ar"])
    _holder(association, category, languages=["es"], status=EndorsementStatus.LAPSED)
    _holder(
        other_association,
        EndorsementCategoryFactory(framework__association=other_association),
        languages=["es"],
    )

    by_category = active_endorsements(association=association)
    assert by_category.rows == [["IFS", 7]]
    assert by_category.summary == "7 current endorsements."

    by_language = active_endorsements(association=association, by="language")
    assert by_language.rows == [["English", "5"], ["Spanish", "5"], ["Arabic", "fewer than 5"]]
    # The chart draws no bar for a suppressed group.
    assert by_language.series[0].values == [5, 5, None]
    with pytest.raises(ValueError):
        active_endorsements(association=association, by="race_ethnicity")


def test_workforce_growth_counts_endorsed_and_in_process_at_each_year_end(association, category):
    def opened(created, closed_state=None, closed=None, applicant=None):
        app = ApplicationFactory(
            association=association, category=category, applicant=applicant or UserFactory()
        )
        Application.objects.filter(pk=app.pk).update(created=created)
        if closed_state:
            event(app, closed_state, closed)
        return app

    opened(at(2024, 6, 1))  # in process since 2024, still open
    opened(at(2024, 6, 1), S.WITHDRAWN, at(2025, 3, 1))  # in process at the end of 2024 only
    opened(at(2025, 12, 31, 23))  # 2025 where the association is
    # Awarded in 2025: in process at the end of 2024, endorsed from 2025.
    awarded = opened(at(2024, 2, 1), S.AWARDED, at(2025, 5, 1))
    EndorsementFactory(application=awarded, category=category, awarded_on=datetime.date(2025, 5, 1))
    # Endorsed in 2024, revoked in 2025 (New York time).
    revoked = EndorsementFactory(
        category=category,
        application__association=association,
        awarded_on=datetime.date(2024, 3, 1),
        status=EndorsementStatus.REVOKED,
        status_since=at(2025, 4, 1),
    )
    Application.objects.filter(pk=revoked.application_id).update(created=at(2024, 1, 1))
    event(revoked.application, S.AWARDED, at(2024, 3, 1))

    today = association.today().year
    data = workforce_growth(association=association)
    rows = {row[0]: row[1:] for row in data.rows}
    assert rows["2024"] == [1, 3]
    assert rows["2025"] == [1, 2]
    assert [row[0] for row in data.rows] == [str(y) for y in range(2024, today + 1)]
    assert data.summary == "Today: 1 endorsed, 2 in process."


def test_renewals_due_by_year_with_their_standing(association, category):
    for status in (
        EndorsementStatus.ACTIVE,
        EndorsementStatus.LAPSED,
        EndorsementStatus.RENEWAL_DUE,
    ):
        EndorsementFactory(
            category=category,
            application__association=association,
            valid_through=datetime.date(2025, 12, 31),
            status=status,
        )
    EndorsementFactory(
        category=category,
        application__association=association,
        valid_through=datetime.date(2026, 12, 31),
        status=EndorsementStatus.REVOKED,
    )
    assert renewals_due(association=association).rows == [
        ["2025", 3, 1, 1, 1, 0],
        ["2026", 1, 0, 0, 0, 1],
    ]


def test_revenue_by_month_and_fee_less_refunds_in_the_association_time_zone(
    association, other_association
):
    person = UserFactory()
    pay = {"kind": PaymentKind.PAYMENT, "method": PaymentMethod.CHEQUE}
    # 22:00 on 31 January in New York is February in UTC: January's.
    money_row(
        association,
        person,
        fee_type=FeeType.REGISTRATION,
        amount="15.00",
        moment=at(2026, 1, 31, 22),
        **pay,
    )
    money_row(
        association,
        person,
        fee_type=FeeType.PROCESSING,
        amount="100.00",
        moment=at(2026, 3, 2),
        **pay,
    )
    money_row(
        association,
        person,
        fee_type=FeeType.PROCESSING,
        kind=PaymentKind.REFUND,
        method=PaymentMethod.CHEQUE,
        amount="40.00",
        moment=at(2026, 3, 5),
    )
    money_row(
        association,
        person,
        fee_type=FeeType.PROCESSING,
        kind=PaymentKind.WAIVER,
        method=PaymentMethod.WAIVER,
        amount="100.00",
        moment=at(2026, 3, 5),
    )
    money_row(
        association,
        person,
        fee_type=FeeType.PROCESSING,
        amount="100.00",
        moment=at(2025, 12, 31, 23),
        **pay,
    )
    money_row(
        other_association,
        person,
        fee_type=FeeType.PROCESSING,
        amount="999.00",
        moment=at(2026, 3, 2),
        **pay,
    )

    data = revenue(association=association, year=2026)
    assert data.columns == ["Month", "Currency", "Registration fee", "Processing fee", "Total"]
    assert len(data.rows) == 12
    assert data.rows[0] == [
        "January 2026",
        "USD",
        Decimal("15.00"),
        Decimal("0.00"),
        Decimal("15.00"),
    ]
    assert data.rows[1][4] == Decimal("0.00")
    assert data.rows[2] == [
        "March 2026",
        "USD",
        Decimal("0.00"),
        Decimal("60.00"),
        Decimal("60.00"),
    ]
    assert data.summary == "Received in 2026, less refunds: 75.00 USD."
    # 23:00 on 31 December in New York is 2025's.
    assert revenue(association=association, year=2025).rows[11] == [
        "December 2025",
        "USD",
        Decimal("100.00"),
        Decimal("100.00"),
    ]
    assert revenue(association=association, year=2024).empty


def test_waivers_granted_by_fee_and_method(association, other_association):
    person = UserFactory()
    waiver = {"kind": PaymentKind.WAIVER}
    money_row(
        association,
        person,
        fee_type=FeeType.PROCESSING,
        method=PaymentMethod.WAIVER,
        amount="100.00",
        moment=at(2026, 2, 1),
        **waiver,
    )
    money_row(
        association,
        person,
        fee_type=FeeType.PROCESSING,
        method=PaymentMethod.SCHOLARSHIP,
        amount="300.00",
        moment=at(2026, 2, 1),
        **waiver,
    )
    money_row(
        association,
        person,
        fee_type=FeeType.REGISTRATION,
        method=PaymentMethod.WAIVER,
        amount="15.00",
        moment=at(2025, 2, 1),
        **waiver,
    )
    money_row(
        association,
        person,
        fee_type=FeeType.REGISTRATION,
        method=PaymentMethod.CHEQUE,
        kind=PaymentKind.PAYMENT,
        amount="15.00",
        moment=at(2026, 2, 1),
    )
    money_row(
        other_association,
        person,
        fee_type=FeeType.PROCESSING,
        method=PaymentMethod.WAIVER,
        amount="100.00",
        moment=at(2026, 2, 1),
        **waiver,
    )

    data = waivers_granted(association=association)
    assert data.rows == [
        ["Registration fee", "USD", 1, 0, Decimal("15.00")],
        ["Processing fee", "USD", 1, 1, Decimal("400.00")],
    ]
    assert data.summary == "3 waivers and scholarships granted."
    assert waivers_granted(association=association, year=2026).rows == [
        ["Processing fee", "USD", 1, 1, Decimal("400.00")]
    ]
