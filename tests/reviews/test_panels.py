"""The comments panel on the portfolio's pages (reviews.panels): shown where there is someone to
talk to or something to read, hidden otherwise."""

import pytest
from django.urls import reverse

from reviews.models import Comment
from tests.reviews.helpers import fresh

pytestmark = pytest.mark.django_db

PANEL = 'id="comments-heading"'


def summary(client, application, user) -> str:
    client.force_login(user)
    url = reverse("portfolios:summary", kwargs={"application_id": application.pk})
    return client.get(url).content.decode()


def test_no_panel_without_an_advisor_and_without_comments(client, application, applicant):
    assert PANEL not in summary(client, application, applicant)


def test_the_panel_once_an_advisor_is_assigned(client, advised, applicant):
    assert PANEL in summary(client, advised, applicant)


def test_comments_stay_readable_after_the_advisor_is_gone(
    client, advised, advisor, applicant, coordinator
):
    Comment.objects.create(application=advised, author=advisor, section="general", body="Dates?")
    type(advised).objects.filter(pk=advised.pk).update(advisor=None)
    application = fresh(advised)
    assert PANEL in summary(client, application, applicant)
    assert PANEL in summary(client, application, coordinator)
