"""References: the rater's draft. Saving a draft keeps the answers and the link; only sending
the rating uses the link up. The page counts the answers."""

import datetime
import html
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from portfolios.enums import ReferenceStatus
from portfolios.models import EvidenceChange, Reference, ReferenceRating
from portfolios.references import (
    RatingLinkUnusable,
    rating_draft_scores,
    reference_save_rating_draft,
)
from tests.portfolios.references_helpers import competency_ids, form_data


def rate_url(token: str) -> str:
    return reverse("portfolios:rate", kwargs={"token": token})


def text(fragment: str) -> str:
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", fragment).split()))


def counter(response) -> str:
    return re.search(r'id="rating-counter-text">([^<]*)</p>', response.content.decode())[1]


def area_counts(response) -> list[str]:
    content = response.content.decode()
    return re.findall(
        r'<span id="area-count-\d+" class="d-block fs-6 text-body-secondary area-count">'
        r"([^<]*)</span>",
        content,
    )


def draft_data(category, answered: int, comment="Half way.") -> dict[str, str]:
    ids = competency_ids(category)
    data = {f"item_{pk}": "3" for pk in ids[:answered]}
    data.update(comment=comment, action="draft")
    return data


def test_a_new_form_counts_nothing_answered(client, invite):
    _reference, token = invite()
    response = client.get(rate_url(token))
    assert counter(response) == "0 of 8 items answered"
    assert area_counts(response) == [
        "0 of 4 items answered in this area",
        "0 of 4 items answered in this area",
    ]
    content = response.content.decode()
    assert (
        '<div class="progress" role="progressbar" aria-labelledby="rating-counter-text" '
        'aria-valuenow="0" aria-valuemin="0" aria-valuemax="8">' in content
    )
    assert '<div class="progress-bar progress-w-0"></div>' in content
    form = content[content.index('<form method="post" action="') :]
    assert re.findall(r'<button type="submit"[^>]*>([^<]*)</button>', form) == [
        "Send my rating",
        "Save draft",
    ]
    assert "style=" not in content[content.index('id="rating-counter"') :]


def test_saving_a_draft_keeps_the_link_and_restores_the_answers(client, invite, category):
    reference, token = invite()
    ids = competency_ids(category)

    response = client.post(rate_url(token), draft_data(category, 5))

    assert response.status_code == 302
    assert response["Location"] == rate_url(token)
    reference.refresh_from_db()
    assert reference.status == ReferenceStatus.INVITED
    assert reference.completed_at is None
    assert reference.rating_draft == {
        "scores": {str(pk): "3" for pk in ids[:5]},
        "comment": "Half way.",
    }
    assert ReferenceRating.objects.count() == 0

    # The link still works: the page comes back with the answers, the comment and the count.
    response = client.get(rate_url(token))
    assert response.status_code == 200
    assert counter(response) == "5 of 8 items answered"
    assert area_counts(response) == [
        "4 of 4 items answered in this area",
        "1 of 4 items answered in this area",
    ]
    assert '<div class="progress-bar progress-w-60"></div>' in response.content.decode()
    form = response.context["form"]
    assert {pk: form[name].value() for pk, name in form.item_fields.items()} == {
        pk: ("3" if index < 5 else None) for index, pk in enumerate(ids)
    }
    assert form["comment"].value() == "Half way."
    content = response.content.decode()
    assert content.count('value="3" class="form-check-input" id=') == 8
    assert (
        len(re.findall(r'value="3" class="form-check-input" id="[^"]+" required checked>', content))
        == 5
    )
    assert (
        text(content).count(
            "Your draft is saved. Come back with the same link to finish: it works until you send "
            "your rating."
        )
        == 1
    )


def test_a_second_draft_replaces_the_first(client, invite, category):
    reference, token = invite()
    client.post(rate_url(token), draft_data(category, 5))
    data = draft_data(category, 2, comment="  Changed my mind.  ")
    data[f"item_{competency_ids(category)[0]}"] = "nei"
    client.post(rate_url(token), data)
    reference.refresh_from_db()
    ids = competency_ids(category)
    assert rating_draft_scores(reference) == {ids[0]: "nei", ids[1]: "3"}
    assert reference.rating_draft["comment"] == "Changed my mind."


def test_a_draft_ignores_answers_that_are_not_choices(client, invite, category):
    reference, token = invite()
    data = draft_data(category, 2)
    data[f"item_{competency_ids(category)[2]}"] = "9"
    client.post(rate_url(token), data)
    reference.refresh_from_db()
    assert rating_draft_scores(reference) == dict.fromkeys(competency_ids(category)[:2], "3")


def test_sending_after_a_draft_uses_the_link_up_and_clears_the_draft(
    client, invite, category, django_capture_on_commit_callbacks
):
    reference, token = invite()
    client.post(rate_url(token), draft_data(category, 5))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(rate_url(token), form_data(category, comment="Done."))
    assert response.status_code == 200
    reference.refresh_from_db()
    assert (reference.status, reference.comment, reference.rating_draft) == (
        ReferenceStatus.COMPLETED,
        "Done.",
        None,
    )
    assert ReferenceRating.objects.filter(reference=reference).count() == 8
    assert client.get(rate_url(token)).status_code == 410
    # Nor can a draft be saved any more.
    response = client.post(rate_url(token), draft_data(category, 1))
    assert response.status_code == 410
    reference.refresh_from_db()
    assert reference.rating_draft is None


def test_sending_an_incomplete_form_shows_the_count(client, invite, category):
    _reference, token = invite()
    data = draft_data(category, 6)
    del data["action"]
    response = client.post(rate_url(token), data)
    assert response.status_code == 200
    assert counter(response) == "6 of 8 items answered"
    assert Reference.objects.get().status == ReferenceStatus.INVITED


def test_a_draft_is_refused_on_an_expired_link(client, invite, category):
    reference, token = invite()
    client.post(rate_url(token), draft_data(category, 3))
    Reference.objects.filter(pk=reference.pk).update(
        token_expires=timezone.now() - datetime.timedelta(minutes=1)
    )
    response = client.post(rate_url(token), draft_data(category, 4))
    assert response.status_code == 410
    reference.refresh_from_db()
    assert len(rating_draft_scores(reference)) == 3


def test_the_draft_service_refuses_unknown_items_and_scores(invite, category):
    reference, _token = invite()
    with pytest.raises(ValidationError):
        reference_save_rating_draft(reference=reference, scores={999999: "3"}, comment="")
    with pytest.raises(ValidationError):
        reference_save_rating_draft(
            reference=reference, scores={competency_ids(category)[0]: "7"}, comment=""
        )
    Reference.objects.filter(pk=reference.pk).update(status=ReferenceStatus.COMPLETED)
    with pytest.raises(RatingLinkUnusable) as refused:
        reference_save_rating_draft(reference=reference, scores={}, comment="")
    assert refused.value.reason == "used"


def test_the_draft_never_reaches_the_history(
    client, invite, category, django_capture_on_commit_callbacks
):
    reference, token = invite()
    application = reference.application
    application.submitted_at = timezone.now()
    application.save(update_fields=["submitted_at"])
    client.post(rate_url(token), draft_data(category, 5, comment="Private draft"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(rate_url(token), form_data(category))
    [change] = EvidenceChange.objects.filter(section="reference")
    assert (change.before["rating_draft"], change.after["rating_draft"]) == (None, None)


def test_saving_a_draft_costs_a_fixed_number_of_queries(
    client, invite, category, django_assert_num_queries
):
    _reference, token = invite()
    data = draft_data(category, 8)
    # Lookup and items (the form); savepoint, lock, items, update, release (the service).
    with django_assert_num_queries(7):
        response = client.post(rate_url(token), data)
    assert response.status_code == 302


def test_answers_are_saved_as_the_rater_goes_and_the_counters_come_back(client, invite, category):
    """htmx posts the form on each change: a draft, answered with the counters alone."""
    reference, token = invite()
    data = draft_data(category, 5)
    del data["action"]
    response = client.post(rate_url(token), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    content = response.content.decode()
    assert content.startswith('<div class="rating-progress mb-4" id="rating-counter">')
    assert counter(response) == "5 of 8 items answered"
    assert re.search(r'id="rating-draft-status">([^<]*)</p>', content)[1] == "Draft saved."
    assert [
        (oob, label)
        for oob, label in re.findall(
            r'<span id="area-count-\d+" [^>]*?( hx-swap-oob="true")?>([^<]*)</span>', content
        )
    ] == [
        (' hx-swap-oob="true"', "4 of 4 items answered in this area"),
        (' hx-swap-oob="true"', "1 of 4 items answered in this area"),
    ]
    assert "<h1" not in content
    reference.refresh_from_db()
    assert (reference.status, len(rating_draft_scores(reference))) == (ReferenceStatus.INVITED, 5)
    assert client.get(rate_url(token)).status_code == 200


def test_the_form_posts_its_changes_to_itself(client, invite):
    _reference, token = invite()
    content = client.get(rate_url(token)).content.decode()
    # Sent, it posts to its own path too: not to the page's address with the "#main" that the
    # skip link adds, which would take the focus from the error summary.
    assert (
        f'<form method="post" action="{rate_url(token)}" novalidate\n'
        f'      hx-post="{rate_url(token)}" '
        'hx-trigger="change delay:1000ms" hx-target="#rating-counter" hx-swap="outerHTML">'
    ) in content
