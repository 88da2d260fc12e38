"""portfolios.reference_status: which references count towards the portfolio's requirement (the
rows filled, ratings that do not count, twelve months of validity)."""

import datetime

import pytest

from competencies.enums import ReferenceKind
from endorsement.models import Application
from portfolios.enums import RaterRelationship, ReferenceStatus
from portfolios.reference_status import add_months, references_status
from tests.factories import ReferenceFactory
from tests.portfolios.references_helpers import make_application, make_category

# --- what counts --------------------------------------------------------------------------------

T0 = datetime.datetime(2025, 3, 15, 12, 0, tzinfo=datetime.UTC)


def completed(application, relationship, *, at=T0, status=ReferenceStatus.COMPLETED, **kwargs):
    return ReferenceFactory(
        application=application,
        relationship=relationship,
        status=status,
        completed_at=at,
        **kwargs,
    )


def test_status_with_no_reference(application, django_assert_num_queries):
    application = Application.objects.select_related("category__framework").get(pk=application.pk)
    completed(application, RaterRelationship.CURRENT_SUPERVISOR, status=ReferenceStatus.REPLACED)
    # The requirement rows and the references.
    with django_assert_num_queries(2):
        status = references_status(application=application, now=T0)
    assert status.summary == (
        "references: 0 of 3 received, supervisor, RS/C provider and 1 other pending"
    )
    assert (status.needed, status.received, status.met) == (3, 0, False)
    assert status.pending_kinds == ["current_supervisor", "rsc_provider", "any"]
    assert [r.kind for r in status] == ["current_supervisor", "rsc_provider", "any"]
    assert [r.messages for r in status] == [
        ["Current supervisor: nobody asked yet."],
        ["RS/C provider: nobody asked yet."],
        ["Anyone who knows your work: nobody asked yet."],
    ]
    assert [r.requirement.reference_kind for r in status] == [r.kind for r in status]


def test_the_supervisor_row_is_filled_only_by_the_current_supervisor(application):
    completed(application, RaterRelationship.OTHER, rater_name="Olga")
    completed(application, RaterRelationship.SUPERVISEE, rater_name="Sam")
    status = references_status(application=application, now=T0 + datetime.timedelta(days=1))
    assert status.summary == "references: 1 of 3 received, supervisor and RS/C provider pending"
    assert [r.met for r in status] == [False, False, True]


def test_all_three_received(application):
    supervisor = completed(application, RaterRelationship.CURRENT_SUPERVISOR, rater_name="Sue")
    provider = completed(application, RaterRelationship.RSC_PROVIDER, rater_name="Pat")
    second_supervisor = completed(
        application, RaterRelationship.CURRENT_SUPERVISOR, at=T0 - datetime.timedelta(days=3)
    )
    status = references_status(application=application, now=T0 + datetime.timedelta(days=1))
    assert status.summary == "references: 3 of 3 received"
    assert status.met is True
    assert [r.reference for r in status] == [supervisor, provider, second_supervisor]
    assert status.results[0].messages == [
        "Current supervisor: rating from Sue received on March 15, 2025, valid until "
        "March 15, 2026."
    ]


def test_the_issue_example(other_association):
    category = make_category(
        other_association,
        kinds=(ReferenceKind.CURRENT_SUPERVISOR, ReferenceKind.ANY, ReferenceKind.ANY),
    )
    application = make_application(category)
    completed(application, RaterRelationship.OTHER)
    completed(application, RaterRelationship.RSC_PROVIDER)
    status = references_status(application=application, now=T0)
    assert status.summary == "references: 2 of 3 received, supervisor pending"


def test_pending_invitations_and_ratings_that_do_not_count_are_explained(application):
    ReferenceFactory(
        application=application,
        relationship=RaterRelationship.CURRENT_SUPERVISOR,
        rater_name="Sue",
        sent_at=datetime.datetime(2025, 3, 1, 15, tzinfo=datetime.UTC),
        token_expires=T0 + datetime.timedelta(days=10),
    )
    completed(
        application,
        RaterRelationship.RSC_PROVIDER,
        rater_name="Pat",
        status=ReferenceStatus.NOT_COUNTED,
    )
    ReferenceFactory(
        application=application,
        relationship=RaterRelationship.OTHER,
        rater_name="Olga",
        token_expires=T0 - datetime.timedelta(days=1),
    )
    status = references_status(application=application, now=T0)
    assert status.summary == (
        "references: 0 of 3 received, supervisor, RS/C provider and 1 other pending"
    )
    assert [r.messages[0] for r in status] == [
        "Current supervisor: waiting for Sue (asked on March 1, 2025).",
        "RS/C provider: the rating from Pat has too many “not enough information” answers and "
        "does not count. Ask someone else.",
        "Anyone who knows your work: the link sent to Olga has expired. Send a new one.",
    ]


def test_replaced_and_withdrawn_references_do_not_count(application):
    completed(application, RaterRelationship.CURRENT_SUPERVISOR, status=ReferenceStatus.REPLACED)
    completed(application, RaterRelationship.RSC_PROVIDER, deleted_at=T0)
    status = references_status(application=application, now=T0)
    assert status.received == 0
    assert [r.waiting for r in status] == [None, None, None]


@pytest.mark.parametrize(
    ("now", "valid"),
    [
        (datetime.datetime(2026, 3, 15, 11, 59, tzinfo=datetime.UTC), True),
        (datetime.datetime(2026, 3, 15, 12, 0, tzinfo=datetime.UTC), False),
        (datetime.datetime(2026, 9, 1, tzinfo=datetime.UTC), False),
    ],
)
def test_a_rating_is_valid_for_twelve_months(application, now, valid):
    completed(application, RaterRelationship.CURRENT_SUPERVISOR, rater_name="Sue")
    status = references_status(application=application, now=now)
    assert status.results[0].met is valid
    if not valid:
        assert status.results[0].messages == [
            "Current supervisor: the rating from Sue is more than 12 months old."
        ]


def test_without_reference_rows_the_frameworks_count_of_any_kind(application, category):
    category.requirements.all().delete()
    completed(application, RaterRelationship.SUPERVISEE)
    status = references_status(application=application, now=T0)
    assert [(r.kind, r.requirement, r.met) for r in status] == [
        ("any", None, True),
        ("any", None, False),
        ("any", None, False),
    ]
    assert status.summary == "references: 1 of 3 received, 2 others pending"


def test_add_months_keeps_the_day_or_takes_the_months_last():
    assert add_months(datetime.datetime(2025, 1, 31, 9, tzinfo=datetime.UTC), 1) == (
        datetime.datetime(2025, 2, 28, 9, tzinfo=datetime.UTC)
    )
    assert add_months(datetime.datetime(2024, 2, 29, tzinfo=datetime.UTC), 12) == (
        datetime.datetime(2025, 2, 28, tzinfo=datetime.UTC)
    )
    assert add_months(datetime.datetime(2025, 11, 30, tzinfo=datetime.UTC), 3) == (
        datetime.datetime(2026, 2, 28, tzinfo=datetime.UTC)
    )
