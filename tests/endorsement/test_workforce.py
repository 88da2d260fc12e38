"""``workforce_counts``: the association's applicants and holders counted by setting, discipline,
region, language or race/ethnicity, groups smaller than 5 suppressed."""

import pytest

from accounts.services import workforce_profile_update
from endorsement.enums import EndorsementStatus
from endorsement.workforce import workforce_counts
from tests.factories import ApplicationFactory, EndorsementFactory, UserFactory


def applicant_with(category, state="accepted", **profile):
    application = ApplicationFactory(category=category, state=state)
    if profile:
        workforce_profile_update(user=application.applicant, **profile)
    return application.applicant


def holder_with(category, status=EndorsementStatus.ACTIVE, **profile):
    endorsement = EndorsementFactory(category=category, status=status)
    if profile:
        workforce_profile_update(user=endorsement.holder, **profile)
    return endorsement.holder


def table(rows):
    return [(row.value, row.label, row.count, row.shown) for row in rows]


def test_groups_of_fewer_than_5_are_suppressed(association, category):
    for _ in range(5):
        applicant_with(category, work_setting="home_visiting")
    for _ in range(4):
        applicant_with(category, work_setting="clinic")
    applicant_with(category)  # no profile: "Not given"
    assert table(workforce_counts(association=association, by="work_setting")) == [
        ("home_visiting", "Home visiting", 5, "5"),
        ("clinic", "Clinic or mental health agency", None, "fewer than 5"),
        ("", "Not given", None, "fewer than 5"),
    ]


def test_a_group_of_exactly_5_is_shown_and_4_is_not(association, category):
    for _ in range(4):
        applicant_with(category, work_setting="clinic")
    assert workforce_counts(association=association, by="work_setting")[0].suppressed is True
    applicant_with(category, work_setting="clinic")
    [row] = workforce_counts(association=association, by="work_setting")
    assert (row.count, row.suppressed) == (5, False)


def test_a_person_counts_once_per_language(association, category):
    for _ in range(5):
        applicant_with(category, work_setting="clinic", languages=["en", "es"])
    for _ in range(2):
        applicant_with(category, work_setting="clinic", languages=["en"])
    assert table(workforce_counts(association=association, by="language")) == [
        ("en", "English", 7, "7"),
        ("es", "Spanish", 5, "5"),
    ]


def test_regions_are_grouped_whatever_their_capitals(association, category):
    for region in ["Lake County", "lake county", "LAKE  COUNTY", "Lake County", "Lake county"]:
        applicant_with(category, work_setting="clinic", region=region)
    assert table(workforce_counts(association=association, by="region")) == [
        ("lake county", "Lake County", 5, "5")
    ]


def test_endorsed_and_in_progress_and_closed(association, category, other_association):
    for _ in range(5):
        holder_with(category, work_setting="clinic")
        applicant_with(category, work_setting="child_care")
        # Not counted: withdrawn or denied applications, revoked endorsements.
        applicant_with(category, state="withdrawn", work_setting="policy")
        applicant_with(category, state="denied", work_setting="policy")
        holder_with(category, status=EndorsementStatus.REVOKED, work_setting="policy")
    endorsed = workforce_counts(association=association, by="work_setting", endorsed=True)
    progress = workforce_counts(association=association, by="work_setting", endorsed=False)
    both = workforce_counts(association=association, by="work_setting")
    assert [(r.value, r.count) for r in endorsed] == [("clinic", 5)]
    assert [(r.value, r.count) for r in progress] == [("child_care", 5)]
    assert sorted((r.value, r.count) for r in both) == [("child_care", 5), ("clinic", 5)]
    assert workforce_counts(association=other_association, by="work_setting") == []


def test_one_query(association, category, django_assert_num_queries):
    for _ in range(6):
        applicant_with(category, work_setting="clinic", race_ethnicity=["prefer_not"])
    with django_assert_num_queries(1):
        rows = workforce_counts(association=association, by="race_ethnicity")
    assert table(rows) == [("prefer_not", "Prefer not to say", 6, "6")]


def test_unknown_dimension_is_refused(association):
    with pytest.raises(ValueError, match="unknown workforce dimension"):
        workforce_counts(association=association, by="email")


def test_people_of_another_association_are_not_counted(association, other_association):
    UserFactory()
    assert workforce_counts(association=association, by="discipline") == []
