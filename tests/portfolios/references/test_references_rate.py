"""References: the rater's page, reached through the single-use link (no account)."""

import datetime
import html
import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from portfolios.enums import RaterRelationship, ReferenceStatus
from portfolios.models import Reference, ReferenceRating
from portfolios.references import reference_replace, reference_resend
from portfolios.views.references import RATE_LIMIT_MISSES
from tests.portfolios.references_helpers import form_data, tokens_in


def rate_url(token: str) -> str:
    return reverse("portfolios:rate", kwargs={"token": token})


def text(response) -> str:
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split()))


def h1(response) -> list[str]:
    return [
        " ".join(re.sub(r"<[^>]+>", "", m).split())
        for m in re.findall(r"<h1[^>]*>(.*?)</h1>", response.content.decode(), re.S)
    ]


def test_the_whole_journey_through_the_test_client(
    client, application, category, django_capture_on_commit_callbacks
):
    """The applicant invites, the rater opens the e-mailed link, rates, and cannot come back."""
    client.force_login(application.applicant)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("portfolios:references.invite", kwargs={"application_id": application.pk}),
            {
                "rater_name": "Grace Supervisor",
                "rater_email": "grace@example.org",
                "relationship": "current_supervisor",
                "rater_language": "en",
            },
        )
    client.logout()
    [invitation] = mail.outbox
    [token] = tokens_in(invitation)

    response = client.get(rate_url(token))
    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    assert h1(response) == ["Reference rating for Ana López"]
    page = text(response)
    assert (
        "Ana López is applying to Northfield Association for Infant Mental Health for the "
        "Infant Family Specialist Endorsement and named you as their current supervisor." in page
    )
    assert "Ana López may read your rating." in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(rate_url(token), form_data(category, nei=1, comment="Reliable."))
    assert response.status_code == 200
    assert h1(response) == ["Thank you"]
    assert (
        "Your rating of Ana López is sent to Northfield Association for Infant Mental Health."
        in text(response)
    )
    reference = Reference.objects.get()
    assert (reference.status, reference.comment) == (ReferenceStatus.COMPLETED, "Reliable.")
    assert ReferenceRating.objects.filter(reference=reference).count() == 8
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["grace@example.org"], "Ana López asks you for a reference rating"),
        (["ana@example.org"], "Grace Supervisor sent their reference rating"),
    ]

    # Single use: the link now only says so.
    for method in ("get", "post"):
        response = getattr(client, method)(rate_url(token), form_data(category))
        assert response.status_code == 410
        assert h1(response) == ["This link has already been used"]
    assert ReferenceRating.objects.count() == 8


def test_the_form_has_one_accessible_radio_group_per_item_grouped_by_area(client, invite, category):
    _reference, token = invite()
    response = client.get(rate_url(token))
    content = response.content.decode()
    assert re.findall(r'<h2 id="area-\d+" class="h4">([^<]+)</h2>', content) == [
        "Theoretical Foundations",
        "Direct Service Skills",
    ]
    legends = re.findall(r'<legend class="fs-6 fw-semibold">([^<]+)</legend>', content)
    assert legends == [f"Theoretical Foundations item {n}" for n in (1, 2, 3, 4)] + [
        f"Direct Service Skills item {n}" for n in (1, 2, 3, 4)
    ]
    # One fieldset per area (its heading in the legend), one per item inside it.
    assert content.count('<fieldset class="rating-area mb-4">') == 2
    assert content.count('<fieldset class="rating-item') == 8
    assert re.findall(
        r'<legend class="w-100 border-bottom mb-3"><h2 id="area-\d+" class="h4">([^<]+)</h2>',
        content,
    ) == ["Theoretical Foundations", "Direct Service Skills"]
    first = response.context["form"].item_fields[min(response.context["form"].item_fields)]
    labels = re.findall(
        rf'<input type="radio" name="{first}" value="([^"]+)"[^>]*id="id_{first}_\d"[^>]*>\s*'
        rf'<label class="form-check-label" for="id_{first}_\d">([^<]+)</label>',
        content,
    )
    assert labels == [
        ("1", "Developing"),
        ("2", "Competent"),
        ("3", "Strong"),
        ("4", "Exceptional"),
        ("nei", "Not enough information"),
    ]
    assert re.search(
        r'<label\s+for="id_comment" class="form-label">\s+Comments \(optional\)', content
    )
    assert "a rating with more than 5 such answers cannot count toward the Endorsement" in text(
        response
    )


def test_missing_answers_are_listed_and_linked_and_nothing_is_saved(client, invite, category):
    reference, token = invite()
    data = form_data(category, comment="Kept")
    missing = [name for name in data if name.startswith("item_")][:2]
    for name in missing:
        del data[name]

    response = client.post(rate_url(token), data)

    assert response.status_code == 200
    content = response.content.decode()
    assert [f"#id_{name}_0" for name in missing] == re.findall(
        r'<li><a class="alert-link" href="(#id_item_\d+_0)">', content
    )
    for name in missing:
        assert f'aria-describedby="id_{name}_error"' in content
        assert f'<p id="id_{name}_error" class="text-danger small mb-0">' in content
    assert "Choose a rating, or “Not enough information”." in text(response)
    # What was chosen is kept.
    assert response.context["form"]["comment"].value() == "Kept"
    reference.refresh_from_db()
    assert (reference.status, ReferenceRating.objects.count()) == (ReferenceStatus.INVITED, 0)


@pytest.mark.parametrize(("nei", "status"), [(5, "completed"), (6, "not_counted")])
def test_the_not_enough_information_limit_through_the_form(
    client, invite, category, nei, status, django_capture_on_commit_callbacks
):
    reference, token = invite()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(rate_url(token), form_data(category, nei=nei))
    reference.refresh_from_db()
    assert reference.status == status
    if status == "not_counted":
        assert (
            "Your rating is recorded, but it has more than 5 “not enough information” answers, "
            "so it cannot count toward the Endorsement. We have told Ana López, who may ask "
            "someone else." in text(response)
        )
        assert mail.outbox[-1].subject == "Please ask someone else for a reference rating"
    else:
        assert mail.outbox[-1].subject == "Grace Supervisor sent their reference rating"


def test_an_expired_link(client, invite, category):
    reference, token = invite()
    Reference.objects.filter(pk=reference.pk).update(
        token_expires=timezone.now() - datetime.timedelta(minutes=1)
    )
    for method in ("get", "post"):
        response = getattr(client, method)(rate_url(token), form_data(category))
        assert response.status_code == 410
        assert h1(response) == ["This link has expired"]
        assert "This link has expired; ask Ana López to send a new one." in text(response)
    assert ReferenceRating.objects.count() == 0


def test_an_unknown_link_is_a_404_with_an_explanation(client, invite):
    invite()
    response = client.get(rate_url("x" * 43))
    assert response.status_code == 404
    assert h1(response) == ["This link is not valid"]
    assert "Check that you copied the whole address from the e-mail." in text(response)


def test_resending_makes_the_old_link_stop_working(client, invite, category):
    reference, old_token = invite()
    reference_resend(reference=reference, by=reference.application.applicant)
    assert client.get(rate_url(old_token)).status_code == 404


def test_a_replaced_rater_is_told_nothing_more_is_needed(client, invite):
    reference, token = invite()
    reference_replace(
        reference=reference,
        rater_name="Other",
        rater_email="other@example.org",
        relationship=RaterRelationship.CURRENT_SUPERVISOR,
        by=reference.application.applicant,
    )
    response = client.get(rate_url(token))
    assert response.status_code == 410
    assert h1(response) == ["This link is no longer in use"]
    assert (
        "Ana López has asked someone else for this rating. You do not need to do anything."
        in text(response)
    )


def test_a_withdrawn_request(client, invite):
    reference, token = invite()
    Reference.objects.filter(pk=reference.pk).update(deleted_at=timezone.now())
    response = client.get(rate_url(token))
    assert response.status_code == 410
    assert "Ana López has withdrawn this request. You do not need to do anything." in text(response)


def test_the_waiver_is_explained_to_the_rater(client, invite):
    _reference, token = invite(waive=True)
    assert (
        "Ana López has waived the right to see your rating: only the reviewers will read it."
        in text(client.get(rate_url(token)))
    )


def test_the_page_is_in_the_language_chosen_for_the_rater(client, invite):
    _reference, token = invite(rater_language="es")
    response = client.get(rate_url(token))
    assert '<html lang="es">' in response.content.decode()
    assert response["Content-Language"] == "es"


def test_a_rater_who_switches_language_gets_their_choice(client, invite):
    _reference, token = invite(rater_language="es")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(rate_url(token))
    assert '<html lang="en">' in response.content.decode()
    assert response["Content-Language"] == "en"


def test_a_logged_in_rater_sees_the_same_page(client, invite, category):
    """The link needs no account, but works for someone who happens to be logged in too."""
    reference, token = invite()
    client.force_login(reference.application.applicant)
    assert client.get(rate_url(token)).status_code == 200


def test_guessing_links_is_rate_limited(client, invite):
    _reference, token = invite()
    for _attempt in range(RATE_LIMIT_MISSES):
        assert client.get(rate_url(f"guess{_attempt}")).status_code == 404
    response = client.get(rate_url(token))
    assert response.status_code == 429
    assert h1(response) == ["Too many attempts"]
    # Another address is not affected.
    assert client.get(rate_url(token), REMOTE_ADDR="10.0.0.2").status_code == 200


def test_the_rater_form_costs_a_fixed_number_of_queries(
    client, invite, category, django_assert_num_queries
):
    _reference, token = invite()
    # The reference with its application, applicant, association, category and framework;
    # the category's items with their areas.
    with django_assert_num_queries(2):
        response = client.get(rate_url(token))
    assert response.status_code == 200


def test_submitting_costs_a_fixed_number_of_queries(
    client, invite, category, django_assert_num_queries
):
    _reference, token = invite()
    data = form_data(category)
    # Lookup and items (the form); savepoint, lock, items, insert, update, release (the service);
    # the association's own wording of the applicant's e-mail, if it has one.
    # 10: the e-mail to the applicant is a row of the outbox, written with the rating.
    with django_assert_num_queries(10):
        response = client.post(rate_url(token), data)
    assert h1(response) == ["Thank you"]


def test_two_tabs_the_second_sending_is_told_the_link_is_used(
    client, invite, category, monkeypatch
):
    """Both forms were open: the view's first check passes, the service's locked one refuses."""
    reference, token = invite()
    client.post(rate_url(token), form_data(category))
    monkeypatch.setattr("portfolios.views.references.rating_link_problem", lambda **kwargs: "")
    response = client.post(rate_url(token), form_data(category, score="1"))
    assert response.status_code == 410
    assert h1(response) == ["This link has already been used"]
    assert set(ReferenceRating.objects.values_list("score", flat=True)) == {"3"}
