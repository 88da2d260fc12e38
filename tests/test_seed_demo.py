import pytest
from allauth.mfa.models import Authenticator
from django.core.management import CommandError, call_command

from accounts.enums import Role
from accounts.models import Association, RoleGrant, User
from endorsement.enums import ApplicationState
from endorsement.management.commands.seed_demo import demo_staff_emails
from endorsement.models import Application
from reviews.models import ExamSitting


def seed():
    call_command("seed_demo", "--even-without-debug", verbosity=0)


@pytest.mark.django_db
def test_seed_demo_creates_every_role_in_both_associations_and_is_safe_twice():
    seed()
    seed()
    assert sorted(Association.objects.values_list("slug", flat=True)) == [
        "lakeshore",
        "northfield",
    ]
    for slug in ("northfield", "lakeshore"):
        roles = set(RoleGrant.objects.filter(association__slug=slug).values_list("role", flat=True))
        assert roles == set(Role.values)
        states = sorted(
            Application.objects.filter(association__slug=slug).values_list("state", flat=True)
        )
        assert states == sorted(
            [
                ApplicationState.REGISTERED,
                ApplicationState.ACCEPTED,
                ApplicationState.SUBMITTED,
                ApplicationState.IN_REVIEW,
                ApplicationState.DEFERRED,
                ApplicationState.APPROVED,
                ApplicationState.AWARDED,
            ]
        )
        dmitri = Application.objects.get(applicant__email=f"dmitri@{slug}.example.org")
        per_portfolio = Association.objects.get(slug=slug).reviewers_per_portfolio
        assert dmitri.review_assignments.count() == per_portfolio
        ben = Application.objects.get(applicant__email=f"ben@{slug}.example.org")
        assert ben.advisor.email == f"advisor@{slug}.example.org"
        farah = Application.objects.get(applicant__email=f"farah@{slug}.example.org")
        year = farah.endorsement.awarded_on.year
        assert farah.endorsement.number.endswith(f"-IFS-{year}-0001")
        assert ExamSitting.objects.filter(association__slug=slug).count() == 1
    assert User.objects.count() == 1 + 2 * (7 + 7)
    staff_with_totp = set(
        Authenticator.objects.filter(type=Authenticator.Type.TOTP).values_list(
            "user__email", flat=True
        )
    )
    assert staff_with_totp == set(demo_staff_emails())


@pytest.mark.django_db
def test_seed_demo_refuses_without_debug():
    with pytest.raises(CommandError, match="DEBUG off"):
        call_command("seed_demo", verbosity=0)
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_demo_codes_prints_a_six_digit_code_for_each_demo_account(capsys):
    seed()
    call_command("demo_codes", "coordinator@northfield.example.org", "someone@else.org")
    out, err = capsys.readouterr()
    line = out.splitlines()[0].split()
    assert line[0] == "coordinator@northfield.example.org"
    assert len(line[1]) == 6 and line[1].isdigit()
    assert "someone@else.org is not a demo account" in err


@pytest.mark.django_db
def test_seeded_portfolios_have_evidence_in_every_section_but_references():
    from portfolios.models import Education, Reference, RSCEntry, Training, WorkExperience

    seed()
    ben = Application.objects.get(applicant__email="ben@northfield.example.org")
    ana = Application.objects.get(applicant__email="ana@northfield.example.org")
    counts = {
        model.__name__: model.objects.filter(application=ben).count()
        for model in (Education, WorkExperience, Training, RSCEntry, Reference)
    }
    assert counts == {
        "Education": 1,
        "WorkExperience": 1,
        "Training": 3,
        "RSCEntry": 1,
        "Reference": 0,
    }
    assert Training.objects.filter(application=ana).count() == 0
