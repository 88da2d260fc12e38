"""References: the services (invite, resend, replace, withdraw, rating)."""

import datetime
import hashlib
import zoneinfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import override

from endorsement.enums import ApplicationState
from portfolios.enums import RaterRelationship, ReferenceStatus
from portfolios.models import EvidenceChange, Reference, ReferenceRating
from portfolios.references import (
    LINK_EXPIRED,
    LINK_REPLACED,
    LINK_USED,
    LINK_WITHDRAWN,
    RatingLinkUnusable,
    minutes_to_rate,
    rating_link_problem,
    reference_for_token,
    reference_invite,
    reference_replace,
    reference_resend,
    reference_submit_rating,
    reference_withdraw,
    token_hash,
)
from portfolios.services import PortfolioLocked
from tests.portfolios.references_helpers import (
    last_token,
    make_application,
    scores,
    set_state,
    tokens_in,
)

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def deadline(reference, language="en"):
    with override(language):
        return date_format(
            timezone.localtime(reference.token_expires, NEW_YORK).date(), "DATE_FORMAT"
        )


# --- invite -----------------------------------------------------------------------------------


def test_invite_stores_only_the_hash_of_a_random_token_and_e_mails_the_link(invite, application):
    reference, token = invite()

    reference.refresh_from_db()
    assert len(token) == 43
    assert reference.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(Reference.objects.filter(pk=reference.pk).values().get())
    assert (
        reference.rater_name,
        reference.rater_email,
        reference.relationship,
        reference.status,
        reference.rater_language,
        reference.applicant_waived_right_to_see,
        reference.application_id,
    ) == (
        "Grace Supervisor",
        "grace@example.org",
        "current_supervisor",
        "invited",
        "en",
        False,
        application.pk,
    )
    assert reference.token_expires - reference.sent_at == datetime.timedelta(days=30)
    assert reference_for_token(token=token) == reference


def test_the_invitation_e_mail_says_who_asks_what_it_is_how_long_the_deadline_and_personal(
    invite,
):
    reference, token = invite()

    [message] = mail.outbox
    assert message.to == ["grace@example.org"]
    assert message.reply_to == ["office@northfield.example.org"]
    assert message.subject == "Ana López asks you for a reference rating"
    assert message.body == (
        "Hello Grace Supervisor,\n"
        "\n"
        "Ana López is applying to Northfield Association for Infant Mental Health for the "
        "Infant Family Specialist Endorsement and has named you as their current supervisor. "
        "They ask you to rate their work.\n"
        "\n"
        "What the Endorsement is\n"
        "The Endorsement for Culturally Sensitive, Relationship-Focused Practice Promoting "
        "Infant and Early Childhood Mental Health shows that a professional has the knowledge "
        "and skills to support infants, young children and their families. Reviewers read your "
        "rating when they decide.\n"
        "\n"
        "What we ask of you\n"
        "Rate Ana López on 8 competency items, each from “Developing” to “Exceptional”. Where "
        "you have not seen their work, choose “Not enough information”. It takes about 10 "
        "minutes. You do not need an account.\n"
        "Ana López may read your rating.\n"
        "\n"
        f"Please answer by {deadline(reference)}:\n"
        f"http://127.0.0.1:8000/portfolio/rate/{token}/\n"
        "\n"
        "This link is personal: it is meant for you alone. It works until you send your "
        "rating, so you can save a draft and come back. Please do not forward it.\n"
        "\n"
        "If you have a question, reply to this e-mail to reach Northfield Association for "
        "Infant Mental Health.\n"
    )


def test_the_e_mail_tells_the_rater_when_the_applicant_waived_the_right_to_see_it(invite):
    invite(waive=True)

    body = mail.outbox[0].body
    assert (
        "Ana López has waived the right to see your rating: only the reviewers will read it.\n"
        in body
    )
    assert "may read your rating" not in body


def test_the_e_mail_is_sent_only_when_the_transaction_commits(application):
    reference_invite(
        application=application,
        rater_name="Grace",
        rater_email="grace@example.org",
        relationship=RaterRelationship.CURRENT_SUPERVISOR,
        waive=False,
        by=application.applicant,
    )
    # The test's transaction never commits: nothing was sent.
    assert mail.outbox == []


def test_the_rater_language_defaults_to_the_applicants_and_can_be_chosen(category, invite):
    reference, _token = invite(rater_language="es")
    assert reference.rater_language == "es"
    # Dates in the rater's e-mail are written the Spanish way.
    assert f"{deadline(reference, 'es')}:\n" in mail.outbox[0].body
    assert " de 20" in deadline(reference, "es")

    spanish = make_application(category, email="lucia@example.org", preferred_language="es")
    with_default = reference_invite(
        application=spanish,
        rater_name="Marta",
        rater_email="marta@example.org",
        relationship=RaterRelationship.OTHER,
        waive=False,
        by=spanish.applicant,
    )
    assert with_default.rater_language == "es"


def test_an_unknown_relationship_or_language(invite):
    with pytest.raises(ValidationError) as error:
        invite(relationship="friend")
    assert error.value.message_dict == {"relationship": ["Choose how this person knows you."]}
    reference, _token = invite(rater_language="fr")
    assert reference.rater_language == "en"


def test_an_e_mail_that_cannot_be_sent_stays_queued_and_the_invitation_kept(invite, monkeypatch):
    from notifications.models import OutboxMessage

    def refuse(self, fail_silently=False):
        raise OSError("connection refused")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    with pytest.raises(IndexError):  # last_token(): nothing in mail.outbox
        invite()
    assert Reference.objects.count() == 1
    message = OutboxMessage.objects.get()
    assert (message.key, message.recipient, message.state, message.attempts) == (
        "reference_invitation",
        "grace@example.org",
        "queued",
        1,
    )
    assert message.last_error == "OSError: connection refused"


def test_minutes_to_rate_is_a_generous_estimate_in_fives():
    assert [minutes_to_rate(n) for n in (1, 8, 15, 30, 45)] == [10, 10, 10, 15, 20]


@pytest.mark.parametrize("email", ["ana@example.org", " ANA@Example.org "])
def test_the_applicant_cannot_rate_themselves(invite, email):
    with pytest.raises(ValidationError) as error:
        invite(rater_email=email)
    assert error.value.message_dict == {
        "rater_email": [
            "This is your own e-mail address. Ask someone who knows your work to rate you."
        ]
    }
    assert Reference.objects.count() == 0


def test_the_same_rater_cannot_be_asked_twice_while_the_first_request_is_open(invite):
    invite()
    with pytest.raises(ValidationError) as error:
        invite(rater_email="Grace@example.org", rater_name="Grace again")
    assert error.value.message_dict == {
        "rater_email": [
            "You have already asked Grace@example.org. Send them a new link or replace them "
            "from your references page instead."
        ]
    }
    assert Reference.objects.count() == 1


@pytest.mark.parametrize("state", [ApplicationState.SUBMITTED, ApplicationState.IN_REVIEW])
def test_no_invitation_once_the_portfolio_is_read_only(application, invite, state):
    set_state(application, state)
    with pytest.raises(PortfolioLocked):
        invite()
    assert Reference.objects.count() == 0


def test_inviting_after_the_first_submission_is_kept_as_history(application, invite):
    set_state(application, ApplicationState.DEFERRED)
    application.submitted_at = timezone.now()
    application.save(update_fields=["submitted_at"])
    reference, _token = invite()
    change = EvidenceChange.objects.get()
    assert (change.section, change.object_id, change.action, change.by) == (
        "reference",
        reference.pk,
        "created",
        application.applicant,
    )


# --- resend, replace, withdraw ----------------------------------------------------------------


def test_resend_issues_a_new_link_and_the_old_one_stops_working(
    invite, django_capture_on_commit_callbacks
):
    reference, old_token = invite()
    Reference.objects.filter(pk=reference.pk).update(
        token_expires=timezone.now() - datetime.timedelta(days=1)
    )
    reference.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        resent = reference_resend(reference=reference, by=reference.application.applicant)

    new_token = last_token()
    assert new_token != old_token
    assert reference_for_token(token=old_token) is None
    assert reference_for_token(token=new_token) == reference
    resent.refresh_from_db()
    assert resent.status == ReferenceStatus.INVITED
    assert resent.token_expires - resent.sent_at == datetime.timedelta(days=30)
    assert rating_link_problem(reference=resent) == ""
    assert [m.subject for m in mail.outbox] == [
        "Ana López asks you for a reference rating",
        "New link: Ana López asks you for a reference rating",
    ]
    assert (
        "This link replaces the one we sent you before, which no longer works.\n"
        in mail.outbox[1].body
    )


def test_resend_is_refused_once_the_rater_answered(invite, category):
    reference, token = invite()
    reference_submit_rating(reference=reference, scores=scores(category), comment="")
    with pytest.raises(ValidationError) as error:
        reference_resend(reference=reference, by=reference.application.applicant)
    assert error.value.messages == ["This rater has already answered: a new link is not needed."]


def test_replace_retires_the_old_rater_and_invites_the_new_one(
    invite, django_capture_on_commit_callbacks
):
    old, old_token = invite(waive=True, rater_language="es")

    with django_capture_on_commit_callbacks(execute=True):
        new = reference_replace(
            reference=old,
            rater_name="Helen Other",
            rater_email="helen@example.org",
            relationship=RaterRelationship.CURRENT_SUPERVISOR,
            by=old.application.applicant,
        )

    old.refresh_from_db()
    assert old.status == ReferenceStatus.REPLACED
    assert new.replaces == old
    assert (new.rater_name, new.status, new.applicant_waived_right_to_see, new.rater_language) == (
        "Helen Other",
        ReferenceStatus.INVITED,
        True,
        "es",
    )
    assert rating_link_problem(reference=reference_for_token(token=old_token)) == LINK_REPLACED
    [new_token] = tokens_in(mail.outbox[-1])
    assert reference_for_token(token=new_token) == new
    assert mail.outbox[-1].to == ["helen@example.org"]
    with pytest.raises(ValidationError):
        reference_replace(
            reference=old,
            rater_name="Again",
            rater_email="again@example.org",
            relationship=RaterRelationship.OTHER,
            by=old.application.applicant,
        )


def test_a_rater_can_be_replaced_by_the_same_person_after_a_rating_that_did_not_count(
    invite, category
):
    old, _token = invite()
    reference_submit_rating(reference=old, scores=scores(category, nei=6), comment="")
    new = reference_replace(
        reference=old,
        rater_name="Grace Supervisor",
        rater_email="grace@example.org",
        relationship=RaterRelationship.CURRENT_SUPERVISOR,
        by=old.application.applicant,
    )
    assert (new.replaces_id, new.status) == (old.pk, ReferenceStatus.INVITED)


def test_withdraw_an_unanswered_invitation(invite, category):
    reference, token = invite()
    reference_withdraw(reference=reference, by=reference.application.applicant)
    reference.refresh_from_db()
    assert reference.deleted_at is not None
    assert rating_link_problem(reference=reference_for_token(token=token)) == LINK_WITHDRAWN

    answered, _token = invite(rater_email="other@example.org")
    reference_submit_rating(reference=answered, scores=scores(category), comment="")
    with pytest.raises(ValidationError) as error:
        reference_withdraw(reference=answered, by=answered.application.applicant)
    assert error.value.messages == [
        "Only an invitation that has not been answered can be withdrawn."
    ]


# --- the rating -------------------------------------------------------------------------------


def test_a_rating_is_stored_and_uses_up_the_link(
    invite, category, django_capture_on_commit_callbacks
):
    reference, token = invite()

    with django_capture_on_commit_callbacks(execute=True):
        rated = reference_submit_rating(
            reference=reference_for_token(token=token),
            scores=scores(category, nei=2, score="4"),
            comment="  Works closely with families.  ",
        )

    assert rated.status == ReferenceStatus.COMPLETED
    assert rated.comment == "Works closely with families."
    assert rated.completed_at is not None
    assert (
        sorted(ReferenceRating.objects.filter(reference=reference).values_list("score", flat=True))
        == ["4"] * 6 + ["nei"] * 2
    )
    assert rating_link_problem(reference=reference_for_token(token=token)) == LINK_USED
    with pytest.raises(RatingLinkUnusable) as error:
        reference_submit_rating(reference=reference, scores=scores(category), comment="")
    assert error.value.reason == LINK_USED
    assert ReferenceRating.objects.count() == 8

    message = mail.outbox[-1]
    assert (message.to, message.subject) == (
        ["ana@example.org"],
        "Grace Supervisor sent their reference rating",
    )
    assert message.body == (
        "Hello Ana,\n"
        "\n"
        "Grace Supervisor sent their reference rating. It counts toward your portfolio for 12 "
        "months.\n"
        "You can read it on your references page:\n"
        f"http://127.0.0.1:8000/portfolio/{reference.application_id}/references/\n"
    )


@pytest.mark.parametrize(
    ("nei", "status"), [(0, "completed"), (5, "completed"), (6, "not_counted"), (8, "not_counted")]
)
def test_more_than_five_not_enough_information_answers_do_not_count(invite, category, nei, status):
    reference, _token = invite()
    rated = reference_submit_rating(
        reference=reference, scores=scores(category, nei=nei), comment=""
    )
    assert rated.status == status


def test_the_applicant_is_told_to_ask_someone_else_when_a_rating_does_not_count(
    invite, category, django_capture_on_commit_callbacks
):
    reference, _token = invite()
    with django_capture_on_commit_callbacks(execute=True):
        reference_submit_rating(reference=reference, scores=scores(category, nei=6), comment="")

    message = mail.outbox[-1]
    assert (message.to, message.subject) == (
        ["ana@example.org"],
        "Please ask someone else for a reference rating",
    )
    assert message.body == (
        "Hello Ana,\n"
        "\n"
        "Grace Supervisor sent their reference rating, but it has 6 “not enough information” "
        "answers. A rating with more than 5 such answers does not count toward the "
        "Endorsement.\n"
        "\n"
        "Please ask someone else who knows your work well: open your references page and "
        "choose “Replace” next to Grace Supervisor.\n"
        f"http://127.0.0.1:8000/portfolio/{reference.application_id}/references/\n"
    )


def test_the_limit_is_the_frameworks(invite, category, application):
    framework = application.framework
    framework.reference_not_enough_information_limit = 2
    framework.save()
    reference, _token = invite()
    assert (
        reference_submit_rating(reference=reference, scores=scores(category, nei=3), comment="")
    ).status == ReferenceStatus.NOT_COUNTED


def test_every_item_must_be_rated_with_a_valid_choice(invite, category):
    reference, _token = invite()
    partial = scores(category)
    partial.popitem()
    with pytest.raises(ValidationError) as error:
        reference_submit_rating(reference=reference, scores=partial, comment="")
    assert error.value.messages == [
        "Rate every competency item, or choose “Not enough information”."
    ]
    invalid = scores(category, score="9")
    with pytest.raises(ValidationError) as error:
        reference_submit_rating(reference=reference, scores=invalid, comment="")
    assert error.value.messages == ["One of the ratings is not a valid choice."]
    reference.refresh_from_db()
    assert (reference.status, ReferenceRating.objects.count()) == (ReferenceStatus.INVITED, 0)


def test_an_expired_link_cannot_be_used(invite, category):
    reference, _token = invite()
    Reference.objects.filter(pk=reference.pk).update(token_expires=timezone.now())
    with pytest.raises(RatingLinkUnusable) as error:
        reference_submit_rating(reference=reference, scores=scores(category), comment="")
    assert error.value.reason == LINK_EXPIRED


def test_token_lookup_refuses_what_cannot_be_a_token(invite):
    invite()
    assert reference_for_token(token="") is None
    assert reference_for_token(token="x" * 101) is None
    assert token_hash("abc") == hashlib.sha256(b"abc").hexdigest()
