"""Every portfolio URL, tried by everyone who must not see the portfolio, on a portfolio still
being built.

The access walk (tests/test_access_walk.py) tries every URL of the portal on a portfolio in the
exam, whose forms are closed to their owner too; here the forms are open (the application is
registered), so a POST let through by mistake would save: the refusals must hold there as well.
The URL list is read from portfolios.urls, so a new page is covered (or this test fails until
it is told how to fill the page's address).
"""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.enums import Role
from portfolios import urls as portfolios_urlconf
from portfolios.models import RSCEntry, Training
from tests.factories import (
    ApplicationFactory,
    DocumentFactory,
    EducationFactory,
    EndorsementCategoryFactory,
    EndorsementFactory,
    FrameworkFactory,
    ReferenceFactory,
    UserFactory,
    WorkExperienceFactory,
)

pytestmark = pytest.mark.django_db

# Pages that are not about one portfolio: start pages and the rater's token link; the add-on
# pages are about an endorsement (tests/portfolios/test_add_on_pages.py walks them).
NOT_PORTFOLIO_PAGES = {
    "start",
    "start.check",
    "start.register",
    "rate",
    "addon.apply",
    "addon.detail",
    "addon.document",
} | {
    # An endorsement's renewal: tests/portfolios/test_renewal_privacy.py walks those.
    pattern.name
    for pattern in portfolios_urlconf.urlpatterns
    if pattern.name.startswith("renewal")
}


@pytest.fixture
def portfolio(association):
    category = EndorsementCategoryFactory(framework=FrameworkFactory(association=association))
    application = ApplicationFactory(category=category)
    document = DocumentFactory(application=application)
    objects = {
        "education": EducationFactory(application=application, transcript=document),
        "work": WorkExperienceFactory(application=application),
        "training": Training.objects.create(
            application=application,
            title="Attachment basics",
            provider="Northfield AIMH",
            date=datetime.date(2025, 3, 1),
            hours=Decimal("6"),
            format="workshop",
        ),
        "rsc": RSCEntry.objects.create(
            application=application,
            provider_name="Dr. Reflective",
            format="group",
            start=datetime.date(2025, 1, 1),
            end=datetime.date(2025, 6, 30),
            hours=Decimal("12"),
        ),
        "references": ReferenceFactory(application=application),
        "document": document,
    }
    # The pages of a holder's endorsement (reinstate, add a category): the applicant's own.
    endorsement = EndorsementFactory(
        category=category, application__applicant=application.applicant
    )
    objects["reinstate"] = objects["category"] = endorsement
    return application, objects


def portfolio_urls(application, objects):
    urls = []
    for pattern in portfolios_urlconf.urlpatterns:
        if pattern.name in NOT_PORTFOLIO_PAGES:
            continue
        params = set(pattern.pattern.converters)
        kwargs = {"application_id": application.pk} if "application_id" in params else {}
        if "pk" in params:
            section = pattern.name.split(".")[0]
            kwargs["pk"] = objects[section].pk
        unknown = params - set(kwargs)
        assert not unknown, f"tell this test how to fill {unknown} in {pattern.name}"
        urls.append((pattern.name, reverse(f"portfolios:{pattern.name}", kwargs=kwargs)))
    return urls


def outsiders(association, other_association, make_staff):
    return {
        "another applicant": UserFactory(),
        "coordinator of another association": make_staff(Role.COORDINATOR, other_association),
        "advisor not assigned": make_staff(Role.ADVISOR, association),
        "reviewer not assigned": make_staff(Role.REVIEWER, association),
        "exam grader": make_staff(Role.EXAM_GRADER, association),
        "association admin": make_staff(Role.ASSOCIATION_ADMIN, association),
        # A superuser holding a role elsewhere: the platform admin works in the admin site.
        "platform admin": make_staff(
            Role.COORDINATOR, other_association, user__is_superuser=True, user__is_staff=True
        ),
    }


def test_every_portfolio_url_is_covered(portfolio):
    application, objects = portfolio
    names = [name for name, _url in portfolio_urls(application, objects)]
    assert len(names) >= 30
    assert "document.download" in names
    assert "summary" in names


@pytest.mark.parametrize("method", ["get", "post"])
def test_outsiders_get_404_on_every_portfolio_url(
    client, portfolio, association, other_association, make_staff, method
):
    application, objects = portfolio
    urls = portfolio_urls(application, objects)
    for who, user in outsiders(association, other_association, make_staff).items():
        client.force_login(user)
        answers = {name: getattr(client, method)(url).status_code for name, url in urls}
        assert answers == {name: 404 for name, _url in urls}, who
        client.logout()


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_are_sent_to_log_in_from_every_portfolio_url(client, portfolio, method):
    application, objects = portfolio
    urls = portfolio_urls(application, objects)
    answers = {name: getattr(client, method)(url) for name, url in urls}
    for name, response in answers.items():
        assert response.status_code == 302, name
        assert response["Location"].startswith("/accounts/login/?next="), name
    assert {name: answers[name].status_code for name, _url in urls} == {
        name: 302 for name, _url in urls
    }


def test_nothing_was_changed_by_the_refused_requests(
    client, portfolio, association, other_association, make_staff
):
    application, objects = portfolio
    urls = portfolio_urls(application, objects)
    for user in outsiders(association, other_association, make_staff).values():
        client.force_login(user)
        for _name, url in urls:
            client.post(url, {"level": "master", "hours": "99", "typed_name": "X"})
    application.refresh_from_db()
    assert application.state == "registered"
    for section in ("education", "work", "training", "rsc", "references"):
        obj = objects[section]
        fresh = type(obj).objects.get(pk=obj.pk)
        assert fresh.deleted_at is None
        assert fresh.updated == obj.updated
