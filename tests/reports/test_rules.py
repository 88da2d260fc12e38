import pytest
import rules

from accounts.enums import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "here", "allowed"),
    [
        (Role.COORDINATOR, True, True),
        (Role.ASSOCIATION_ADMIN, True, True),
        (Role.COORDINATOR, False, False),
        (Role.ASSOCIATION_ADMIN, False, False),
        (Role.REVIEWER, True, False),
        (Role.ADVISOR, True, False),
        (Role.EXAM_GRADER, True, False),
    ],
)
def test_who_reads_the_reports(make_staff, association, other_association, role, here, allowed):
    person = make_staff(role, association if here else other_association)
    assert rules.has_perm("reports.view_reports", person, association) is allowed


def test_the_platform_admin_does_not_read_an_association_reports(association):
    admin = UserFactory(is_superuser=True, is_staff=True)
    assert rules.has_perm("reports.view_reports", admin, association) is False
