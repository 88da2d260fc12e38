"""Every renewal URL, tried by everyone around a renewal with GET and POST: the holder's pages
answer only the holder, the review only the coordinators of the endorsement's association, the
list only the association's coordinators. Refused requests change nothing."""

import pytest
from django.urls import reverse

from accounts.enums import Role
from endorsement.enums import RenewalState
from portfolios import urls as portfolios_urlconf
from portfolios.models import Training
from tests.factories import UserFactory
from tests.portfolios.renewal_helpers import (
    due_endorsement,
    opened,
    renewal_category,
    rsc_entry,
    training,
)

pytestmark = pytest.mark.django_db

RENEWAL_NAMES = {
    pattern.name for pattern in portfolios_urlconf.urlpatterns if pattern.name.startswith("renewal")
}


@pytest.fixture
def world(association):
    endorsement = due_endorsement(association, renewal_category(association))
    renewal = opened(endorsement)
    return {
        "endorsement": endorsement,
        "renewal": renewal,
        "training": training(renewal, hours="3"),
        "rsc": rsc_entry(renewal, hours="2"),
    }


def renewal_urls(world, association) -> dict[str, str]:
    urls = {}
    for pattern in portfolios_urlconf.urlpatterns:
        if pattern.name not in RENEWAL_NAMES:
            continue
        params = set(pattern.pattern.converters)
        kwargs = {}
        if "endorsement_id" in params:
            kwargs["endorsement_id"] = world["endorsement"].pk
            if "pk" in params:
                kwargs["pk"] = world[pattern.name.split(".")[1]].pk
        elif "slug" in params:
            kwargs["slug"] = association.slug
        elif "pk" in params:
            kwargs["pk"] = world["renewal"].pk
        unknown = params - set(kwargs)
        assert not unknown, f"tell this test how to fill {unknown} in {pattern.name}"
        urls[pattern.name] = reverse(f"portfolios:{pattern.name}", kwargs=kwargs)
    return urls


def test_every_renewal_url_is_covered(world, association):
    assert set(renewal_urls(world, association)) == {
        "renewal",
        "renewal.ethics",
        "renewal.rsc_provider",
        "renewal.submit",
        "renewal.training.add",
        "renewal.training.edit",
        "renewal.training.delete",
        "renewal.training.import",
        "renewal.rsc.add",
        "renewal.rsc.edit",
        "renewal.rsc.delete",
        "renewals",
        "renewal.review",
    }


@pytest.mark.parametrize("method", ["get", "post"])
def test_outsiders_are_refused_everywhere(
    client, world, association, other_association, make_staff, method
):
    urls = renewal_urls(world, association)
    people = {
        "another applicant": UserFactory(),
        "coordinator of another association": make_staff(Role.COORDINATOR, other_association),
        "association admin": make_staff(Role.ASSOCIATION_ADMIN, association),
        "advisor": make_staff(Role.ADVISOR, association),
    }
    for who, user in people.items():
        client.force_login(user)
        answers = {name: getattr(client, method)(url).status_code for name, url in urls.items()}
        # The list names its association: a person without the role there is told so (403).
        expected = dict.fromkeys(urls, 404) | {"renewals": 403}
        assert answers == expected, who
        client.logout()


def test_the_coordinator_sees_the_list_and_the_review_but_not_the_holder_s_forms(
    client, world, association, coordinator
):
    urls = renewal_urls(world, association)
    client.force_login(coordinator)
    answers = {name: client.get(url).status_code for name, url in urls.items()}
    assert answers == dict.fromkeys(urls, 404) | {"renewals": 200, "renewal.review": 200}


def test_the_holder_reaches_their_pages_but_not_the_coordinator_s(client, world, association):
    urls = renewal_urls(world, association)
    client.force_login(world["endorsement"].holder)
    assert client.get(urls["renewal"]).status_code == 200
    assert client.get(urls["renewal.training.edit"]).status_code == 200
    assert client.get(urls["renewal.review"]).status_code == 404
    assert client.get(urls["renewals"]).status_code == 403


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_are_sent_to_log_in(client, world, association, method):
    for name, url in renewal_urls(world, association).items():
        response = getattr(client, method)(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith("/accounts/login/?next="), name


def test_nothing_was_changed_by_the_refused_requests(
    client, world, association, other_association, make_staff
):
    urls = renewal_urls(world, association)
    for user in (UserFactory(), make_staff(Role.COORDINATOR, other_association)):
        client.force_login(user)
        for url in urls.values():
            client.post(url, {"decision": "approve", "typed_name": "X", "hours": "99"})
    renewal = world["renewal"]
    renewal.refresh_from_db()
    assert (renewal.state, renewal.ethics_signed_at) == (RenewalState.DRAFT, None)
    assert sorted(Training.objects.renewal_live(renewal).values_list("hours", flat=True)) == [3]
