import dataclasses
import datetime
import zoneinfo

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import CommandError, call_command
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from accounts.models import Association, RoleGrant, User
from competencies.models import Competency
from demo import evidence
from demo.accounts import demo_staff_emails
from demo.lifecycle import award_day
from endorsement.awards import endorsement_valid_through
from endorsement.enums import ApplicationState, EndorsementStatus
from endorsement.inactivity import applications_hold_inactive
from endorsement.models import Application, ApplicationEvent, Endorsement
from portfolios.enums import AgreementKind, RatingScore, ReferenceStatus
from portfolios.models import (
    Education,
    Reference,
    ReferenceRating,
    RSCEntry,
    Signature,
    Training,
    WorkExperience,
)
from portfolios.requirements import requirement_check
from reports.views import REPORTS
from reviews.enums import ExamResult
from reviews.models import Comment, ExamRegistration, ExamSitting, ReviewAssignment, VignetteScore
from reviews.selectors.exams import sitting_label
from reviews.services.advising import comments_digest_send


def seed():
    call_command("seed_demo", "--even-without-debug", verbosity=0)


def event_times():
    return list(ApplicationEvent.objects.order_by("id").values_list("id", "at"))


@pytest.mark.django_db
def test_seed_demo_creates_every_role_in_both_associations_and_is_safe_twice():
    seed()
    first_run = event_times()
    seed()
    assert event_times() == first_run
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
        # Northfield's four holders of the renewal demo (demo.lifecycle) are awarded too.
        holders = [ApplicationState.AWARDED] * (4 if slug == "northfield" else 0)
        assert states == sorted(
            [
                ApplicationState.REGISTERED,
                ApplicationState.ACCEPTED,
                ApplicationState.SUBMITTED,
                ApplicationState.IN_REVIEW,
                ApplicationState.DEFERRED,
                ApplicationState.APPROVED,
                ApplicationState.EXAM,
                ApplicationState.AWARDED,
                *holders,
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
        sittings = ExamSitting.objects.filter(association__slug=slug)
        assert sittings.filter(starts_at__lt=timezone.now()).count() == 1
        assert sittings.filter(starts_at__gt=timezone.now()).count() == 1
    assert User.objects.count() == 1 + 2 * (7 + 8) + 4
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


# The demo's story: days ago each applicant entered their current state (``STORIES``).
DAYS_IN_STATE = {
    "ana": 3,
    "ben": 369,
    "carla": 9,
    "dmitri": 36,
    "gus": 55,
    "erin": 24,
    "hana": 38,
    "farah": 20,
}


def award_period_start(today: datetime.date) -> datetime.date:
    """An endorsement awarded from this day on has today's validity and number year."""
    october = datetime.date(today.year, 10, 1)
    return october if today >= october else datetime.date(today.year, 1, 1)


@pytest.mark.django_db
def test_every_seeded_history_reads_in_order_over_past_months():
    seed()
    now = timezone.now()
    applications = Application.objects.all()
    assert applications.count() == 16 + 4
    for application in applications:
        times = [event.at for event in application.events.order_by("id")]
        assert times == sorted(set(times)), application  # chronological, no two at once
        assert times[-1] < now - datetime.timedelta(days=1)
        assert application.created == times[0]
        # A revocation (Lakeshore's Farah) is in the timeline; the application stays awarded.
        changes = application.events.exclude(from_state=F("to_state")).order_by("id")
        assert application.state_changed == changes.values_list("at", flat=True).last()
        submissions = application.events.filter(to_state=ApplicationState.SUBMITTED)
        latest = submissions.order_by("-at").values_list("at", flat=True).first()
        assert application.submitted_at == latest
        activity = [application.state_changed]
        comments = Comment.objects.filter(application=application)
        activity += list(comments.values_list("created", flat=True))
        for model in (Education, WorkExperience, Training, RSCEntry):
            rows = model.objects.filter(application=application)
            for created, updated in rows.values_list("created", "updated"):
                assert application.created < created == updated < now
                activity.append(updated)
        assert application.last_activity == max(activity)
        assert application.applicant.date_joined < application.created


@pytest.mark.django_db
def test_the_pipeline_shows_how_long_each_demo_applicant_has_been_in_their_state(client):
    seed()
    client.force_login(User.objects.get(email="coordinator@northfield.example.org"))
    response = client.get("/a/northfield/dashboard/coordinator/")
    assert response.status_code == 200
    shown = {
        row.applicant.email.split("@")[0]: row.days_in_state for row in response.context["rows"]
    }
    today = Association.objects.get(slug="northfield").today()
    expected = {**DAYS_IN_STATE}
    # Northfield's Farah and the holders of the renewal demo were awarded in earlier years.
    for local in ("farah", "leo", "kim", "jon", "ivy"):
        expected[local] = (today - award_day(local, today)).days
    assert set(shown) == set(expected)
    for local, days in expected.items():
        # The step's time of day may still be ahead today: a day less has gone by.
        assert shown[local] in (days - 1, days), local
    oldest = {row["state"]: row["oldest_days"] for row in response.context["state_summary"]}
    assert oldest[ApplicationState.ACCEPTED] == shown["ben"]


@pytest.mark.django_db
def test_reviewers_were_given_a_due_date_and_one_is_overdue():
    seed()
    for slug in ("northfield", "lakeshore"):
        association = Association.objects.get(slug=slug)
        zone = zoneinfo.ZoneInfo(association.time_zone)
        assignments = ReviewAssignment.objects.filter(application__association=association)
        for assignment in assignments.select_related("application"):
            events = assignment.application.events
            started = events.filter(to_state=ApplicationState.IN_REVIEW).get()
            assert assignment.created == started.at
            assigned_on = timezone.localtime(assignment.created, zone).date()
            assert 21 <= (assignment.due_on - assigned_on).days <= 30
            if assignment.submitted_at is not None:
                decided = events.filter(from_state=ApplicationState.IN_REVIEW).first()
                assert assignment.created < assignment.submitted_at
                assert decided is None or assignment.submitted_at < decided.at
        dmitri = assignments.filter(application__applicant__email=f"dmitri@{slug}.example.org")
        overdue = dmitri.filter(submitted_at__isnull=True, due_on__lt=association.today())
        assert list(overdue.values_list("reviewer__email", flat=True)) == [
            f"reviewer@{slug}.example.org"
        ]
        submitted = dmitri.filter(submitted_at__isnull=False).count()
        assert submitted == association.reviewers_per_portfolio - 1
        for local in ("gus", "erin", "hana", "farah"):
            reviews = assignments.filter(
                application__applicant__email=f"{local}@{slug}.example.org"
            )
            assert reviews.filter(submitted_at__isnull=True).count() == 0
            assert reviews.count() == association.reviewers_per_portfolio


@pytest.mark.django_db
def test_farahs_endorsement_was_awarded_weeks_ago_and_is_valid_by_the_award_rules():
    seed()
    for slug in ("northfield", "lakeshore"):
        association = Association.objects.get(slug=slug)
        today = association.today()
        farah = Application.objects.get(applicant__email=f"farah@{slug}.example.org")
        endorsement = farah.endorsement
        award = farah.events.exclude(from_state=ApplicationState.AWARDED).get(
            to_state=ApplicationState.AWARDED
        )
        zone = zoneinfo.ZoneInfo(association.time_zone)
        expected_day = max(today - datetime.timedelta(days=20), award_period_start(today))
        if slug == "northfield":
            # Awarded last October: valid through this year, her renewal due (demo.lifecycle).
            expected_day = award_day("farah", today)
            assert endorsement.valid_through == datetime.date(today.year, 12, 31)
            assert endorsement.status == EndorsementStatus.RENEWAL_DUE
        assert endorsement.awarded_on == expected_day
        assert timezone.localtime(award.at, zone).date() == expected_day
        assert endorsement.created == award.at
        assert endorsement.valid_through == endorsement_valid_through(expected_day)
        year = expected_day.year
        assert endorsement.number == f"{association.number_prefix}-IFS-{year}-0001"
        assert endorsement.number in award.note
        approved = farah.events.get(to_state=ApplicationState.APPROVED)
        assert approved.at < award.at


REVOCATION_REASON = (
    "The ethics committee upheld a complaint about a breach of client confidentiality; "
    "the endorsement is revoked under the Code of Ethics."
)


@pytest.mark.django_db
def test_lakeshores_farah_was_revoked_by_its_coordinator_days_after_her_award(
    client, django_capture_on_commit_callbacks
):
    # The awards' follow-ups (certificate, status-list place) run once the seed commits.
    with django_capture_on_commit_callbacks(execute=True):
        seed()
    northfield = Endorsement.objects.get(holder__email="farah@northfield.example.org")
    assert northfield.status == EndorsementStatus.RENEWAL_DUE
    association = Association.objects.get(slug="lakeshore")
    today = association.today()
    zone = zoneinfo.ZoneInfo(association.time_zone)
    endorsement = Endorsement.objects.get(holder__email="farah@lakeshore.example.org")
    assert endorsement.status == EndorsementStatus.REVOKED
    assert endorsement.status_reason == REVOCATION_REASON
    revoked_on = timezone.localtime(endorsement.status_since, zone).date()
    assert revoked_on == max(today - datetime.timedelta(days=6), award_period_start(today))
    assert endorsement.awarded_on <= revoked_on
    event = endorsement.application.events.get(note_key="endorsement_revoked")
    assert event.actor.email == "coordinator@lakeshore.example.org"
    assert event.at == endorsement.status_since
    assert endorsement.application.state == ApplicationState.AWARDED

    page = client.get(f"/verify/{endorsement.number}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Revoked" in html and REVOCATION_REASON in html
    api = client.get(f"/api/v1/endorsements/{endorsement.number}").json()
    assert (api["status"], api["status_reason"]) == ("revoked", REVOCATION_REASON)
    # Listed in the registry until revoked; Northfield's Farah still is.
    assert endorsement.registry_listed
    assert "Farah Endorsed" not in client.get("/a/lakeshore/registry/").content.decode()
    assert "Farah Endorsed" in client.get("/a/northfield/registry/").content.decode()
    # Her bit is set in Lakeshore's revocation list (a place is taken at the award).
    from joserfc import jwt as jose_jwt

    from credentials.badges import bit_is_set, decode_bits
    from credentials.keys import registry

    token = client.get("/a/lakeshore/issuer/status/revocation/").content.decode()
    keys = public_keys(client, "lakeshore")
    subject = jose_jwt.decode(token, keys, registry=registry()).claims["credentialSubject"]
    bits = decode_bits(subject["encodedList"])
    assert bit_is_set(bits, endorsement.status_list_entry.index)
    assert not bit_is_set(bits, northfield.status_list_entry.index)


def public_keys(client, slug: str):
    from joserfc.jwk import KeySet

    return KeySet.import_key_set(client.get(f"/a/{slug}/issuer/jwks.json").json())


@pytest.mark.django_db
def test_ben_is_weeks_from_the_inactivity_hold_and_his_advisor_was_asked_for(settings):
    settings.INACTIVITY_HOLD_MONTHS = 12
    seed()
    bens = Application.objects.filter(applicant__email__startswith="ben@")
    for ben in bens:
        assert ben.advisor_requested_at < ben.comments.get().created
        assert ben.events.order_by("at").last().at < ben.advisor_requested_at
    assert comments_digest_send() == 0  # the advisor's comment went out long ago
    assert applications_hold_inactive() == 0
    in_a_month = timezone.now() + datetime.timedelta(days=31)
    assert applications_hold_inactive(now=in_a_month) == 2
    held = Application.objects.filter(state=ApplicationState.ON_HOLD)
    assert set(held.values_list("pk", flat=True)) == set(bens.values_list("pk", flat=True))


@pytest.mark.django_db
def test_hana_sat_the_exam_days_ago_and_her_scores_are_to_enter():
    seed()
    for slug in ("northfield", "lakeshore"):
        association = Association.objects.get(slug=slug)
        zone = zoneinfo.ZoneInfo(association.time_zone)
        hana = Application.objects.get(applicant__email=f"hana@{slug}.example.org")
        assert hana.category.code == "IMHM-C"
        assert hana.state == ApplicationState.EXAM
        registration = ExamRegistration.objects.get(application=hana)
        sitting = registration.sitting
        held = timezone.localtime(sitting.starts_at, zone)
        assert held.date() == association.today() - datetime.timedelta(days=4)
        assert held.time() == datetime.time(9, 0)
        assert sitting.starts_at < timezone.now()
        assert (registration.attempt, registration.result) == (1, ExamResult.PENDING)
        assert registration.part1_correct is None
        registered = hana.events.get(to_state=ApplicationState.EXAM)
        assert registration.registered_at == registered.at
        assert sitting.created < registered.at < sitting.starts_at
        assert registered.note == f"Exam sitting: {sitting_label(sitting)}."
        # Rendered from its values (in the reader's language), it names the moved sitting too.
        assert registered.note_text == registered.note
        scores = VignetteScore.objects.filter(registration=registration).order_by("grader__email")
        assert [(row.grader.email, row.percent, row.submitted_at) for row in scores] == [
            (f"grader2@{slug}.example.org", None, None),
            (f"grader@{slug}.example.org", None, None),
        ]
        for row in scores:
            assert registered.at < row.created < sitting.starts_at
        # Erin's sitting is still ahead, with a place for her.
        erin = Application.objects.get(applicant__email=f"erin@{slug}.example.org")
        assert erin.state == ApplicationState.APPROVED
        ahead = ExamSitting.objects.get(association=association, starts_at__gt=timezone.now())
        assert ahead.registrations.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("grader", ["grader", "grader2"])
def test_each_demo_grader_sees_hanas_vignettes_waiting_and_can_score(client, grader):
    seed()
    user = User.objects.get(email=f"{grader}@northfield.example.org")
    row = VignetteScore.objects.get(
        grader=user, registration__application__applicant__email="hana@northfield.example.org"
    )
    client.force_login(user)
    response = client.get("/a/northfield/dashboard/exam_grader/")
    assert response.status_code == 200
    assert [score.pk for score in response.context["exam_assignments"]] == [row.pk]
    assert response.context["exam_to_score"] == 1
    waiting = response.context["exam_part1_waiting"]
    assert [registration.pk for registration in waiting] == [row.registration_id]
    score_url = reverse("reviews:exam.score", kwargs={"pk": row.pk})
    assert f'<a href="{score_url}">Hana Graded</a>' in response.content.decode()
    assert "1 candidate is waiting for your score." in response.content.decode()
    page = client.get(score_url)
    assert page.status_code == 200
    assert page.context["scoring_closed"] == ""
    assert "Send my score" in page.content.decode()
    sent = client.post(score_url, {"percent": 85, "comments": ""})
    assert sent.status_code == 302
    row.refresh_from_db()
    assert row.percent == 85
    assert row.submitted_at is not None


@pytest.mark.django_db
def test_the_coordinator_can_enter_hanas_part_1_score(client):
    seed()
    registration = ExamRegistration.objects.get(
        application__applicant__email="hana@northfield.example.org"
    )
    client.force_login(User.objects.get(email="coordinator@northfield.example.org"))
    sitting_page = client.get(
        reverse("reviews:exam.sitting", kwargs={"pk": registration.sitting_id})
    )
    assert sitting_page.status_code == 200
    assert sitting_page.context["is_future"] is False
    url = reverse("reviews:exam.part1", kwargs={"pk": registration.pk})
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["scoring_closed"] == ""
    html = response.content.decode()
    assert 'name="correct"' in html
    assert "Scores can be entered from" not in html
    sent = client.post(url, {"correct": 50})
    assert sent.status_code == 302
    registration.refresh_from_db()
    assert registration.part1_correct == 50
    assert registration.result == ExamResult.PENDING  # the graders' scores are still to come


# The demo applications that have been submitted, and their categories.
SUBMITTED = {
    "carla": "IMHS",
    "dmitri": "IMHM-C",
    "gus": "IFS",
    "erin": "IMHM-C",
    "hana": "IMHM-C",
    "farah": "IFS",
}
ATTACHMENT = "Attachment, separation, trauma, grief & loss"


def uncovered_items(application) -> list[str]:
    """The category's competency items no training of the portfolio addresses."""
    covered = Training.competencies.through.objects.filter(
        training__application=application
    ).values_list("competency_id", flat=True)
    items = Competency.objects.filter(categories=application.category).exclude(pk__in=covered)
    return sorted(items.values_list("name", flat=True))


@pytest.mark.django_db
def test_every_submitted_demo_portfolio_meets_its_requirements():
    seed()
    for slug in ("northfield", "lakeshore"):
        for local, code in SUBMITTED.items():
            application = Application.objects.get(applicant__email=f"{local}@{slug}.example.org")
            assert application.category.code == code
            check = requirement_check(application=application)
            missing = [item.detail for item in check.missing]
            if (slug, local) == ("northfield", "farah"):
                # Awarded a year ago: today her ratings are older than a year, nothing else.
                assert len(missing) == 3
                assert all("more than 12 months old" in detail for detail in missing)
                continue
            assert missing == [], (slug, local)
            assert check.met_count == check.required_count >= 9
            # Gus's reviewers asked for a training on attachment: none of his covers it.
            expected = [ATTACHMENT] if local == "gus" else []
            assert uncovered_items(application) == expected, (slug, local)
            submitted = application.submitted_at
            trainings = Training.objects.filter(application=application)
            assert trainings.filter(date__gte=submitted.date()).count() == 0
            assert trainings.count() >= 6
            assert len(set(trainings.values_list("title", flat=True))) == trainings.count()


@pytest.mark.django_db
def test_every_submitted_demo_portfolio_has_its_raters_answers_and_signed_agreements():
    seed()
    for slug in ("northfield", "lakeshore"):
        for local in SUBMITTED:
            application = Application.objects.get(applicant__email=f"{local}@{slug}.example.org")
            items = Competency.objects.filter(categories=application.category).count()
            references = Reference.objects.filter(application=application).order_by("id")
            assert [r.status for r in references] == [ReferenceStatus.COMPLETED] * 3
            for reference in references:
                assert application.created < reference.sent_at < reference.completed_at
                assert reference.completed_at < application.submitted_at
                assert reference.created == reference.sent_at
                assert reference.ratings.count() == items
            assert len({r.rater_email for r in references}) == 3
            signatures = Signature.objects.filter(application=application).select_related(
                "agreement"
            )
            assert sorted(s.agreement.kind for s in signatures) == sorted(AgreementKind.values)
            for signature in signatures:
                assert signature.typed_name == application.applicant.full_name
                assert signature.signed_at == application.submitted_at


@pytest.mark.django_db
def test_gus_was_deferred_for_what_his_complete_portfolio_lacks_beyond_the_check():
    seed()
    for slug in ("northfield", "lakeshore"):
        gus = Application.objects.get(applicant__email=f"gus@{slug}.example.org")
        assert gus.state == ApplicationState.DEFERRED
        provider = Reference.objects.get(application=gus, relationship="rsc_provider")
        assert provider.status == ReferenceStatus.COMPLETED  # five "not enough information"
        nei = ReferenceRating.objects.filter(
            reference=provider, score=RatingScore.NOT_ENOUGH_INFORMATION
        )
        assert nei.count() == gus.framework.reference_not_enough_information_limit == 5
        note = gus.events.get(to_state=ApplicationState.DEFERRED).note
        assert "training on attachment" in note
        assert "fuller reference rating" in note
        assert uncovered_items(gus) == [ATTACHMENT]


@pytest.mark.django_db
def test_ben_and_ana_have_not_finished_their_portfolios():
    seed()
    ben = Application.objects.get(applicant__email="ben@northfield.example.org")
    check = requirement_check(application=ben)
    assert 0 < check.met_count < check.required_count
    assert {item.section for item in check.missing} >= {"references", "agreements"}
    ana = Application.objects.get(applicant__email="ana@northfield.example.org")
    assert requirement_check(application=ana).met_count < check.met_count


@pytest.mark.django_db
def test_seed_demo_refuses_to_submit_a_portfolio_missing_a_requirement(monkeypatch):
    portfolios = dict(evidence.PORTFOLIOS)
    portfolios["carla"] = dataclasses.replace(portfolios["carla"], rsc=())
    monkeypatch.setattr(evidence, "PORTFOLIOS", portfolios)
    with pytest.raises(CommandError) as refused:
        seed()
    assert str(refused.value) == (
        "carla@northfield.example.org (IMHS) cannot submit; missing: "
        "RS/C: 0 of 50 hours within 24 months"
    )
    assert Application.objects.count() == 0


@pytest.mark.django_db
def test_farah_downloads_a_digital_badge_signed_with_her_associations_key(client):
    from joserfc import jwt
    from joserfc.jwk import KeySet

    from credentials.keys import registry
    from credentials.models import IssuerKey

    seed()
    keys = dict(IssuerKey.objects.values_list("association__slug", "kid"))
    seed()
    assert dict(IssuerKey.objects.values_list("association__slug", "kid")) == keys
    assert set(keys) == {"northfield", "lakeshore"}
    farah = Application.objects.get(applicant__email="farah@northfield.example.org")
    client.force_login(farah.applicant)
    # (The dashboard's link, next to the certificate: tests/credentials/test_badges.py.)
    url = reverse("credentials:badge.download", kwargs={"pk": farah.endorsement.pk})
    token = client.get(url).content.decode()
    jwks = client.get("/a/northfield/issuer/jwks.json").json()
    decoded = jwt.decode(token, KeySet.import_key_set(jwks), registry=registry())
    assert decoded.header["kid"] == keys["northfield"]
    assert decoded.claims["credentialSubject"]["name"] == farah.applicant.get_full_name()


@pytest.mark.django_db
def test_demo_applicants_have_professional_profiles_and_farah_shows_hers_in_the_registry(client):
    from accounts.models import WorkforceProfile
    from endorsement.workforce import workforce_counts

    seed()
    applicants = User.objects.filter(applications__association__slug="northfield").distinct()
    profiles = WorkforceProfile.objects.filter(user__in=applicants)
    assert profiles.count() == applicants.count() == 8 + 4
    assert list(profiles.filter(show_languages=True).values_list("user__email", flat=True)) == [
        "farah@northfield.example.org"
    ]
    # A visitor's change survives a second seeding.
    ana = profiles.get(user__email="ana@northfield.example.org")
    ana.region = "Changed County"
    ana.save()
    seed()
    assert WorkforceProfile.objects.get(pk=ana.pk).region == "Changed County"
    rows = client.get("/a/northfield/registry/").context["rows"]
    # The holders of the renewal demo are listed while current (not Jon: lapsed), languages
    # shown by Farah only.
    assert sorted((row.holder_name, row.languages) for row in rows) == [
        ("Farah Endorsed", "English, Arabic"),
        ("Ivy Emeritus", ""),
        ("Kim Late", ""),
        ("Leo Renewing", ""),
    ]
    settings_rows = workforce_counts(
        association=Association.objects.get(slug="northfield"), by="work_setting"
    )
    # Twelve people: every setting has fewer than 5.
    assert {row.shown for row in settings_rows} == {"fewer than 5"}


@pytest.mark.django_db
def test_every_report_shows_the_demo_data(client):
    seed()
    coordinator = User.objects.get(email="coordinator@northfield.example.org")
    client.force_login(coordinator)
    for report in REPORTS:
        response = client.get(f"/a/northfield/reports/{report.slug}/")
        assert response.status_code == 200
        assert 'id="report-table"' in response.content.decode(), report.slug


@pytest.mark.django_db
def test_northfields_holders_are_at_every_standing_through_the_writer(client):
    from endorsement.enums import EmeritusState
    from endorsement.lifecycle import endorsement_renewal_dates
    from endorsement.models import EmeritusRequest, Renewal

    seed()
    association = Association.objects.get(slug="northfield")
    today = association.today()
    holders = {
        local: Endorsement.objects.get(holder__email=f"{local}@northfield.example.org")
        for local in ("farah", "leo", "kim", "jon", "ivy")
    }
    assert {local: e.status for local, e in holders.items()} == {
        "farah": EndorsementStatus.RENEWAL_DUE,
        "leo": EndorsementStatus.RENEWAL_DUE,
        "kim": EndorsementStatus.RENEWAL_DUE,
        "jon": EndorsementStatus.LAPSED,
        "ivy": EndorsementStatus.EMERITUS,
    }
    late = {local: endorsement_renewal_dates(e).is_late(today) for local, e in holders.items()}
    assert (late["farah"], late["leo"], late["kim"]) == (False, False, True)
    assert not endorsement_renewal_dates(holders["kim"]).is_past_grace(today)
    assert endorsement_renewal_dates(holders["jon"]).is_past_grace(today)
    # Each standing was reached through the writer: its steps are logged, in order, in the past.
    actions = {
        local: list(e.events.order_by("at", "id").values_list("action", flat=True))
        for local, e in holders.items()
    }
    assert actions["jon"] == ["open_renewal", "lapse"]
    assert actions["farah"] == actions["leo"] == actions["kim"] == ["open_renewal"]
    assert actions["ivy"][-1] == "retire"
    for endorsement in holders.values():
        times = list(endorsement.events.order_by("id").values_list("at", flat=True))
        assert times == sorted(times)
        assert endorsement.awarded_on < timezone.localtime(times[0]).date()
        assert endorsement.status_since == times[-1] < timezone.now()
    retired = EmeritusRequest.objects.get(endorsement=holders["ivy"])
    assert (retired.state, retired.decided_by.email) == (
        EmeritusState.APPROVED,
        "coordinator@northfield.example.org",
    )
    (renewal,) = Renewal.objects.filter(endorsement__association=association)
    assert (renewal.endorsement, renewal.year, renewal.state) == (
        holders["leo"],
        today.year + 1,
        "draft",
    )
    # The coordinator's renewal desk counts them.
    client.force_login(User.objects.get(email="coordinator@northfield.example.org"))
    response = client.get("/coordinator/a/northfield/renewals/desk/")
    counts = {row["group"]: row["count"] for row in response.context["counts"]}
    assert counts == {
        "active": 0,
        "due": 2,
        "late": 1,
        "lapsed": 1,
        "emeritus": 1,
        "renewed": 0,
        "waiting": 0,
        "audit": 0,
    }
