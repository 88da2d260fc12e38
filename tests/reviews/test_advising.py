"""reviews.services.advising: asking for and assigning an advisor, comments, sign-off, digest."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from accounts.enums import Role
from endorsement.enums import ApplicationState as S
from endorsement.models import Application, ApplicationEvent
from endorsement.services import transition_refusal
from reviews.models import Comment
from reviews.selectors.advising import (
    advisees,
    advisor_requests,
    comment_threads,
    signoff_given,
    unresolved_by_section,
    unresolved_counts,
)
from reviews.services import advising
from reviews.services.advising import AdvisingRefused
from reviews.tasks import comments_send_digests
from tests.factories import (
    ApplicationFactory,
    CommentFactory,
    EducationFactory,
    RoleGrantFactory,
    UserFactory,
    WorkExperienceFactory,
)
from tests.reviews.helpers import fresh

# --- asking for an advisor ------------------------------------------------------------------


def test_the_applicant_asks_and_the_coordinators_are_told(
    application, applicant, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        advising.advisor_request(application=application, by=applicant)
    assert fresh(application).advisor_requested_at is not None
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([coordinator.email], "Ana Applicant asks for an advisor")
    ]
    assert f"/advising/{application.pk}/advisor/" in mail.outbox[0].body


def test_asking_twice_is_refused(application, applicant):
    advising.advisor_request(application=application, by=applicant)
    with pytest.raises(AdvisingRefused, match="already asked"):
        advising.advisor_request(application=application, by=applicant)


def test_only_the_applicant_may_ask(application, coordinator, advisor, user):
    for person in (coordinator, advisor, user):
        with pytest.raises(AdvisingRefused, match="Only the applicant"):
            advising.advisor_request(application=application, by=person)
    assert fresh(application).advisor_requested_at is None


def test_asking_with_an_advisor_or_after_submission_is_refused(advised, category, applicant):
    with pytest.raises(AdvisingRefused, match="already have an advisor"):
        advising.advisor_request(application=advised, by=applicant)
    submitted = ApplicationFactory(category=category, state=S.SUBMITTED)
    with pytest.raises(AdvisingRefused, match="while you build"):
        advising.advisor_request(application=submitted, by=submitted.applicant)


# --- assigning ------------------------------------------------------------------------------


def test_the_coordinator_assigns_and_both_people_are_told(
    application, coordinator, advisor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        advising.advisor_assign(application=application, advisor=advisor, by=coordinator)
    assert fresh(application).advisor == advisor
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["ana@example.org"], "Avery Advisor is your advisor"),
        ([advisor.email], "You are the advisor of Ana Applicant"),
    ]
    # The advisor's link opens the portfolio, not the coordinator's page.
    assert f"/portfolio/{application.pk}/" in mail.outbox[1].body


def test_replacing_the_advisor_is_allowed(advised, coordinator, make_staff, association):
    other = make_staff(Role.ADVISOR, association, user__full_name="Blake Advisor")
    advising.advisor_assign(application=advised, advisor=other, by=coordinator)
    assert fresh(advised).advisor == other


def test_assigning_the_same_advisor_again_is_refused(advised, advisor, coordinator):
    with pytest.raises(AdvisingRefused, match="Avery Advisor is already the advisor."):
        advising.advisor_assign(application=advised, advisor=advisor, by=coordinator)


def test_the_advisor_must_hold_the_role_in_the_association(
    application, coordinator, other_association, make_staff, association
):
    elsewhere = make_staff(Role.ADVISOR, other_association, user__full_name="Elsa Elsewhere")
    reviewer = make_staff(Role.REVIEWER, association, user__full_name="Rey Reviewer")
    for person, name in ((elsewhere, "Elsa Elsewhere"), (reviewer, "Rey Reviewer")):
        with pytest.raises(AdvisingRefused) as refused:
            advising.advisor_assign(application=application, advisor=person, by=coordinator)
        assert str(refused.value) == (
            f"{name} is not an advisor of Northfield Association for Infant Mental Health."
        )
    assert fresh(application).advisor is None


def test_only_a_coordinator_of_the_association_may_assign(
    application, advisor, applicant, make_staff, association, other_association
):
    people = [
        applicant,
        advisor,
        make_staff(Role.ASSOCIATION_ADMIN, association),
        make_staff(Role.COORDINATOR, other_association),
    ]
    for person in people:
        with pytest.raises(AdvisingRefused, match="Only a coordinator of this association"):
            advising.advisor_assign(application=application, advisor=advisor, by=person)


def test_an_applicant_cannot_advise_themselves(application, applicant, coordinator, association):
    RoleGrantFactory(user=applicant, association=association, role=Role.ADVISOR)
    with pytest.raises(AdvisingRefused, match="cannot advise themselves"):
        advising.advisor_assign(application=application, advisor=applicant, by=coordinator)


def test_a_finished_application_gets_no_advisor(category, coordinator, advisor):
    awarded = ApplicationFactory(category=category, state=S.AWARDED)
    with pytest.raises(AdvisingRefused, match="finished"):
        advising.advisor_assign(application=awarded, advisor=advisor, by=coordinator)


# --- comments -------------------------------------------------------------------------------


def test_the_advisor_comments_on_an_item_of_the_section(advised, advisor):
    education = EducationFactory(application=advised)
    before = fresh(advised).last_activity
    comment = advising.comment_add(
        application=advised,
        by=advisor,
        section="education",
        object_id=education.pk,
        body="  Please upload the transcript.  ",
    )
    comment = Comment.objects.get(pk=comment.pk)
    assert (comment.author, comment.section, comment.object_id, comment.body) == (
        advisor,
        "education",
        education.pk,
        "Please upload the transcript.",
    )
    assert comment.notified_at is None and comment.parent is None
    assert fresh(advised).last_activity > before


def test_the_item_must_be_a_live_row_of_that_section_of_this_application(
    advised, advisor, category
):
    mine = EducationFactory(application=advised)
    deleted = EducationFactory(application=advised, deleted_at=timezone.now())
    someone_elses = EducationFactory(application=ApplicationFactory(category=category))
    # An id no education row has, so "a work row's id in the education section" is never
    # accidentally one of this application's education rows (ids come from separate sequences).
    work = WorkExperienceFactory(application=advised, pk=someone_elses.pk + 500)
    cases = [
        ("education", deleted.pk),
        ("education", someone_elses.pk),
        ("education", work.pk),
        ("education", mine.pk + 1000),
        ("work", mine.pk),
        ("general", mine.pk),
        ("agreements", mine.pk),
    ]
    for section, object_id in cases:
        with pytest.raises(AdvisingRefused, match="not in this section"):
            advising.comment_add(
                application=advised, by=advisor, section=section, object_id=object_id, body="x"
            )
    with pytest.raises(AdvisingRefused, match="Unknown section"):
        advising.comment_add(application=advised, by=advisor, section="nowhere", body="x")
    assert Comment.objects.count() == 0


def test_an_empty_or_too_long_comment_is_refused(advised, advisor):
    with pytest.raises(AdvisingRefused, match="Write your comment first."):
        advising.comment_add(application=advised, by=advisor, section="general", body="   ")
    with pytest.raises(AdvisingRefused, match="at most 5000"):
        advising.comment_add(application=advised, by=advisor, section="general", body="x" * 5001)


def test_who_may_comment(
    advised, advisor, applicant, coordinator, make_staff, association, other_association
):
    advising.comment_add(application=advised, by=applicant, section="general", body="Hello")
    refused = [
        coordinator,
        make_staff(Role.ADVISOR, association),  # an advisor, not this application's
        make_staff(Role.REVIEWER, association),
        make_staff(Role.ADVISOR, other_association),
        UserFactory(),
    ]
    for person in refused:
        with pytest.raises(AdvisingRefused, match="You may not comment on this portfolio."):
            advising.comment_add(application=advised, by=person, section="general", body="x")
    assert Comment.objects.filter(application=advised).count() == 1


def test_an_advisor_who_lost_the_role_may_not_comment(advised, advisor, association):
    advisor.role_grants.filter(association=association, role=Role.ADVISOR).delete()
    advisor = type(advisor).objects.get(pk=advisor.pk)  # the role map is per instance
    with pytest.raises(AdvisingRefused, match="You may not comment"):
        advising.comment_add(application=advised, by=advisor, section="general", body="x")


def test_the_applicant_may_not_comment_without_an_advisor(application, applicant):
    with pytest.raises(AdvisingRefused, match="You may not comment"):
        advising.comment_add(application=application, by=applicant, section="general", body="x")


def test_replies_attach_to_the_first_comment_of_the_thread(advised, advisor, applicant):
    root = advising.comment_add(application=advised, by=advisor, section="work", body="Dates?")
    first = advising.comment_reply(parent=root, by=applicant, body="2019 to 2022.")
    second = advising.comment_reply(parent=first, by=advisor, body="Thanks.")
    assert [(c.parent_id, c.section) for c in (first, second)] == [
        (root.pk, "work"),
        (root.pk, "work"),
    ]


def test_resolve_and_reopen_work_on_the_whole_thread(advised, advisor, applicant):
    root = advising.comment_add(application=advised, by=advisor, section="rsc", body="Hours?")
    reply = advising.comment_reply(parent=root, by=applicant, body="Added.")
    resolved = advising.comment_resolve(comment=reply, by=advisor)
    assert resolved.pk == root.pk
    root.refresh_from_db()
    assert root.resolved_by == advisor and root.resolved_at is not None
    with pytest.raises(AdvisingRefused, match="already resolved"):
        advising.comment_resolve(comment=root, by=applicant)
    advising.comment_reopen(comment=root, by=applicant)
    root.refresh_from_db()
    assert (root.resolved_at, root.resolved_by) == (None, None)
    with pytest.raises(AdvisingRefused, match="not resolved"):
        advising.comment_reopen(comment=root, by=applicant)


def test_a_reply_reopens_a_resolved_thread(advised, advisor, applicant):
    root = advising.comment_add(application=advised, by=advisor, section="rsc", body="Hours?")
    advising.comment_resolve(comment=root, by=advisor)
    advising.comment_reply(parent=root, by=applicant, body="One more question.")
    root.refresh_from_db()
    assert root.resolved_at is None


def test_others_may_not_reply_or_resolve(advised, advisor, coordinator, make_staff, association):
    root = advising.comment_add(application=advised, by=advisor, section="rsc", body="Hours?")
    for person in (coordinator, make_staff(Role.ADVISOR, association), UserFactory()):
        with pytest.raises(AdvisingRefused, match="You may not comment"):
            advising.comment_reply(parent=root, by=person, body="x")
        with pytest.raises(AdvisingRefused, match="You may not comment"):
            advising.comment_resolve(comment=root, by=person)
    root.refresh_from_db()
    assert root.resolved_at is None and Comment.objects.count() == 1


def test_no_comments_once_the_application_is_finished(advised, advisor):
    root = advising.comment_add(application=advised, by=advisor, section="general", body="Hi")
    Application.objects.filter(pk=advised.pk).update(state=S.WITHDRAWN)
    with pytest.raises(AdvisingRefused, match="You may not comment"):
        advising.comment_reply(parent=root, by=advisor, body="x")


# --- selectors ------------------------------------------------------------------------------


def test_unresolved_counts_count_open_threads_only(
    advised, advisor, applicant, category, django_assert_num_queries
):
    a = advising.comment_add(application=advised, by=advisor, section="work", body="1")
    advising.comment_reply(parent=a, by=applicant, body="reply does not count")
    advising.comment_add(application=advised, by=advisor, section="training", body="2")
    b = advising.comment_add(application=advised, by=advisor, section="training", body="3")
    advising.comment_resolve(comment=b, by=advisor)
    other = ApplicationFactory(category=category)
    with django_assert_num_queries(1):
        counts = unresolved_counts(application_ids=[advised.pk, other.pk])
    assert counts == {advised.pk: 2}
    application = fresh(advised)
    with django_assert_num_queries(1):
        by_section = unresolved_by_section(application=application)
    assert by_section == {"work": 1, "training": 1}


@pytest.mark.parametrize("threads", [1, 12])
def test_comment_threads_cost_two_queries_whatever_their_number(
    advised, advisor, applicant, django_assert_num_queries, threads
):
    rows = [EducationFactory(application=advised) for _ in range(threads)]
    for row in rows:
        root = advising.comment_add(
            application=advised, by=advisor, section="education", object_id=row.pk, body="?"
        )
        advising.comment_reply(parent=root, by=applicant, body="!")
    advising.comment_add(application=advised, by=advisor, section="work", body="elsewhere")
    application = fresh(advised)
    with django_assert_num_queries(2):
        result = comment_threads(application=application, section="education")
        counts = unresolved_by_section(application=application)
    assert [(t.item, len(t.replies), t.replies[0].body) for t in result] == [
        (str(row), 1, "!") for row in rows
    ]
    assert counts == {"education": threads, "work": 1}


def test_threads_list_unresolved_first_and_name_deleted_items(advised, advisor):
    row = EducationFactory(application=advised)
    first = advising.comment_add(
        application=advised, by=advisor, section="education", object_id=row.pk, body="first"
    )
    advising.comment_add(application=advised, by=advisor, section="education", body="second")
    advising.comment_resolve(comment=first, by=advisor)
    type(row).objects.filter(pk=row.pk).update(deleted_at=timezone.now())
    threads = comment_threads(application=fresh(advised), section="education")
    assert [(t.comment.body, t.item, t.item_missing) for t in threads] == [
        ("second", "", False),
        ("first", "", True),
    ]


# --- ready for review -----------------------------------------------------------------------


def test_the_advisor_marks_ready_and_the_applicant_is_told(
    advised, advisor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        advising.advisor_mark_ready(application=advised, by=advisor)
    assert fresh(advised).ready_for_review_at is not None
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["ana@example.org"], "Your portfolio is ready for review")
    ]
    assert "Avery Advisor" in mail.outbox[0].body
    with pytest.raises(AdvisingRefused, match="already marked"):
        advising.advisor_mark_ready(application=fresh(advised), by=advisor)


def test_only_the_advisor_marks_ready_and_only_while_it_can_be_submitted(
    advised, applicant, coordinator, make_staff, association, advisor
):
    for person in (applicant, coordinator, make_staff(Role.ADVISOR, association)):
        with pytest.raises(AdvisingRefused, match="Only the applicant's advisor"):
            advising.advisor_mark_ready(application=advised, by=person)
    Application.objects.filter(pk=advised.pk).update(state=S.SUBMITTED)
    with pytest.raises(AdvisingRefused, match="cannot be marked ready while its status"):
        advising.advisor_mark_ready(application=advised, by=advisor)


def test_submission_needs_the_sign_off_where_the_association_requires_it(
    advised, advisor, applicant, association, portfolio_check_waived
):
    association.advisor_signoff_required = True
    association.save()
    application = fresh(advised)
    assert transition_refusal(application=application, action="submit", by=applicant) == (
        "Your advisor has not yet marked the portfolio ready for review."
    )
    advising.advisor_mark_ready(application=application, by=advisor)
    application = fresh(advised)
    assert transition_refusal(application=application, action="submit", by=applicant) == ""
    assert signoff_given(application) is True


def test_a_deferral_cancels_the_sign_off(
    advised, advisor, applicant, association, portfolio_check_waived
):
    association.advisor_signoff_required = True
    association.save()
    advising.advisor_mark_ready(application=advised, by=advisor)
    Application.objects.filter(pk=advised.pk).update(state=S.DEFERRED)
    ApplicationEvent.objects.create(
        application=advised, from_state=S.IN_REVIEW, to_state=S.DEFERRED, note="Amend RS/C."
    )
    application = fresh(advised)
    assert signoff_given(application) is False
    assert transition_refusal(application=application, action="submit", by=applicant) == (
        "Your advisor has not yet marked the portfolio ready for review."
    )
    advising.advisor_mark_ready(application=application, by=advisor)
    application = fresh(advised)
    assert signoff_given(application) is True
    assert transition_refusal(application=application, action="submit", by=applicant) == ""


def test_without_the_requirement_the_sign_off_is_optional(
    advised, applicant, portfolio_check_waived
):
    assert transition_refusal(application=fresh(advised), action="submit", by=applicant) == ""


# --- dashboards' selectors ------------------------------------------------------------------


def test_advisees_carry_their_unresolved_counts_and_sign_off(
    advised, advisor, category, association, django_assert_num_queries
):
    second = ApplicationFactory(category=category, state=S.DEFERRED, advisor=advisor)
    ApplicationFactory(category=category, state=S.ACCEPTED)  # not this advisor's
    advising.comment_add(application=advised, by=advisor, section="general", body="1")
    advising.comment_add(application=advised, by=advisor, section="work", body="2")
    Application.objects.filter(pk=second.pk).update(
        ready_for_review_at=timezone.now() - datetime.timedelta(days=3)
    )
    ApplicationEvent.objects.create(application=second, from_state=S.IN_REVIEW, to_state="deferred")
    with django_assert_num_queries(1):
        rows = advisees(advisor=advisor, association=association)
        summary = [(a.pk, a.unresolved, signoff_given(a)) for a in rows]
    assert sorted(summary) == sorted([(advised.pk, 2, False), (second.pk, 0, False)])


def test_advisor_requests_lists_those_waiting_oldest_first(category, association, advisor):
    now = timezone.now()
    later = ApplicationFactory(category=category, state=S.ACCEPTED)
    sooner = ApplicationFactory(category=category, state=S.ACCEPTED)
    served = ApplicationFactory(category=category, state=S.ACCEPTED, advisor=advisor)
    gone = ApplicationFactory(category=category, state=S.WITHDRAWN)
    for application, days in ((later, 1), (sooner, 5), (served, 9), (gone, 9)):
        Application.objects.filter(pk=application.pk).update(
            advisor_requested_at=now - datetime.timedelta(days=days)
        )
    assert [a.pk for a in advisor_requests(association=association)] == [
        sooner.pk,
        later.pk,
    ]


# --- digest ---------------------------------------------------------------------------------


def test_the_digest_sends_each_side_one_e_mail_then_nothing(
    advised, advisor, applicant, django_capture_on_commit_callbacks
):
    first = advising.comment_add(
        application=advised, by=advisor, section="work", body="Add your hours per week."
    )
    advising.comment_add(
        application=advised, by=advisor, section="training", body="Which items did it cover?"
    )
    advising.comment_reply(parent=first, by=applicant, body="Done: 40 hours.")
    with django_capture_on_commit_callbacks(execute=True):
        result = comments_send_digests.apply()
    assert result.get() == 2
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["ana@example.org"], "2 new comments on your portfolio"),
        ([advisor.email], "1 new reply from Ana Applicant"),
    ]
    to_applicant, to_advisor = mail.outbox
    assert "Add your hours per week." in to_applicant.body
    assert "Which items did it cover?" in to_applicant.body
    assert "Work experience – Avery Advisor" in to_applicant.body
    assert "Done: 40 hours." not in to_applicant.body
    assert "Done: 40 hours." in to_advisor.body
    assert "Add your hours per week." not in to_advisor.body
    assert Comment.objects.filter(notified_at__isnull=True).count() == 0

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert comments_send_digests.apply().get() == 0
    assert mail.outbox == []


def test_the_digest_sends_only_what_is_new(advised, advisor, django_capture_on_commit_callbacks):
    CommentFactory(application=advised, author=advisor, body="Old news", notified_at=timezone.now())
    CommentFactory(application=advised, author=advisor, body="Fresh")
    with django_capture_on_commit_callbacks(execute=True):
        comments_send_digests.apply()
    assert [m.subject for m in mail.outbox] == ["1 new comment on your portfolio"]
    assert "Fresh" in mail.outbox[0].body and "Old news" not in mail.outbox[0].body


def test_the_digest_is_one_e_mail_per_applicant_of_each_application(
    advised, advisor, category, django_capture_on_commit_callbacks
):
    other = ApplicationFactory(category=category, state=S.ACCEPTED, advisor=advisor)
    for application in (advised, other, advised):
        CommentFactory(application=application, author=advisor)
    with django_capture_on_commit_callbacks(execute=True):
        assert comments_send_digests.apply().get() == 2
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == sorted(
        [
            ("ana@example.org", "2 new comments on your portfolio"),
            (other.applicant.email, "1 new comment on your portfolio"),
        ]
    )
