"""The association's public registry: opt-in listing by the holder, only current endorsements,
search, filter, pages; the coordinator's CSV; who may change and export what."""

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.enums import Role
from credentials.listing import registry_listing_set
from endorsement.enums import EndorsementStatus
from endorsement.models import Endorsement
from tests.factories import EndorsementCategoryFactory, EndorsementFactory, UserFactory

REGISTRY = "/a/northfield/registry/"
CSV_URL = "/a/northfield/coordinator/registry.csv"


@pytest.fixture
def imhs(association):
    return EndorsementCategoryFactory(
        framework__association=association,
        code="IMHS",
        name="Infant Mental Health Specialist",
        names={"es": "Especialista en salud mental infantil"},
    )


def listed(category, name, place="", **kwargs):
    return EndorsementFactory(
        category=category,
        application__applicant__full_name=name,
        registry_listed=True,
        registry_place=place,
        **kwargs,
    )


def names(response) -> list[str]:
    return [row.holder_name for row in response.context["rows"]]


def test_urls():
    assert reverse("credentials:registry", kwargs={"slug": "northfield"}) == REGISTRY
    assert reverse("credentials:registry.csv", kwargs={"slug": "northfield"}) == CSV_URL
    assert reverse("credentials:registry.listing", kwargs={"pk": 7}) == "/endorsements/7/listing/"


def test_not_listed_unless_the_holder_asks(client, category):
    endorsement = EndorsementFactory(category=category, application__applicant__full_name="Olga")
    assert endorsement.registry_listed is False
    assert endorsement.registry_place == ""
    response = client.get(REGISTRY)
    assert response.status_code == 200
    assert names(response) == []
    assert "Nobody is listed yet." in response.content.decode()


def test_the_holder_opts_in_and_out_on_the_form(client, category):
    endorsement = EndorsementFactory(category=category, application__applicant__full_name="Olga")
    url = f"/endorsements/{endorsement.pk}/listing/"
    client.force_login(endorsement.holder)
    dashboard = client.get("/dashboard/applicant/").content.decode()
    assert url in dashboard and REGISTRY in dashboard
    assert client.get(url).status_code == 200
    response = client.post(url, {"listed": "on", "place": " Lakeview "})
    assert response.status_code == 302
    endorsement.refresh_from_db()
    assert (endorsement.registry_listed, endorsement.registry_place) == (True, "Lakeview")
    page = client.get(REGISTRY)
    assert names(page) == ["Olga"]
    assert "Lakeview" in page.content.decode()
    client.post(url, {"place": "Lakeview"})
    endorsement.refresh_from_db()
    assert endorsement.registry_listed is False
    assert names(client.get(REGISTRY)) == []


def test_only_the_holder_may_change_the_listing(client, association, category, make_staff):
    endorsement = EndorsementFactory(category=category)
    url = f"/endorsements/{endorsement.pk}/listing/"
    coordinator = make_staff(Role.COORDINATOR, association)
    for someone in (UserFactory(), coordinator):
        client.force_login(someone)
        assert client.get(url).status_code == 404
        assert client.post(url, {"listed": "on"}).status_code == 404
        with pytest.raises(PermissionDenied):
            registry_listing_set(endorsement=endorsement, by=someone, listed=True, place="")
    client.logout()
    response = client.post(url, {"listed": "on"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Endorsement.objects.get(pk=endorsement.pk).registry_listed is False
    assert client.get("/endorsements/999999/listing/").status_code == 302


@pytest.mark.parametrize(
    "status", [EndorsementStatus.LAPSED, EndorsementStatus.REVOKED, EndorsementStatus.SUPERSEDED]
)
def test_not_current_holders_leave_at_once(client, category, status):
    endorsement = listed(category, "Olga")
    listed(category, "Pia")
    assert names(client.get(REGISTRY)) == ["Olga", "Pia"]
    Endorsement.objects.filter(pk=endorsement.pk).update(status=status)
    assert names(client.get(REGISTRY)) == ["Pia"]


def test_current_statuses_are_listed_with_their_badge(client, category):
    listed(category, "Ann", status=EndorsementStatus.RENEWAL_DUE)
    listed(category, "Bea", status=EndorsementStatus.EMERITUS)
    response = client.get(REGISTRY)
    assert names(response) == ["Ann", "Bea"]
    html = response.content.decode()
    assert "Renewal due" in html and "Emeritus" in html and "status-badge" in html


def test_other_associations_are_not_listed(client, category, other_association):
    listed(category, "Olga")
    listed(EndorsementCategoryFactory(framework__association=other_association), "Zed")
    assert names(client.get(REGISTRY)) == ["Olga"]
    assert client.get("/a/nowhere/registry/").status_code == 404


def test_search_by_name_or_place_and_filter_by_category(client, category, imhs):
    listed(category, "Olga Smith", "Lakeview")
    listed(imhs, "Pia Jones", "North County")
    listed(imhs, "Quinn Lake", "Rivertown")
    assert names(client.get(REGISTRY, {"q": "smith"})) == ["Olga Smith"]
    assert names(client.get(REGISTRY, {"q": "lake"})) == ["Olga Smith", "Quinn Lake"]
    assert names(client.get(REGISTRY, {"q": "county"})) == ["Pia Jones"]
    assert names(client.get(REGISTRY, {"category": "IMHS"})) == ["Pia Jones", "Quinn Lake"]
    response = client.get(REGISTRY, {"category": "IMHS", "q": "lake"})
    assert names(response) == ["Quinn Lake"]
    assert "1 person matches the search." in response.content.decode()
    # An unknown category is ignored rather than an error.
    assert len(names(client.get(REGISTRY, {"category": "<b>"}))) == 3


def test_category_in_the_readers_language(client, imhs):
    listed(imhs, "Pia")
    english = client.get(REGISTRY).content.decode()
    assert "Infant Mental Health Specialist (IMHS)" in english
    spanish = client.get(REGISTRY, headers={"accept-language": "es"}).content.decode()
    assert "Especialista en salud mental infantil (IMHS)" in spanish


def test_pages_of_25_keep_the_search(client, category):
    for n in range(27):
        listed(category, f"Holder {n:02d}", "Lakeview")
    listed(category, "Elsewhere", "Rivertown")
    first = client.get(REGISTRY, {"q": "lakeview"})
    assert len(names(first)) == 25
    assert first.context["page_obj"].paginator.count == 27
    html = first.content.decode()
    assert "?q=lakeview&amp;page=2" in html
    second = client.get(REGISTRY, {"q": "lakeview", "page": "2"})
    assert names(second) == ["Holder 25", "Holder 26"]
    assert names(client.get(REGISTRY, {"page": "x"}))[0] == "Elsewhere"


def test_html_in_a_name_or_association_text_is_text(client, association, category):
    association.name = "North <i>field</i>"
    association.save()
    listed(category, "<script>alert(1)</script>", "<b>Lakeview</b>")
    html = client.get(REGISTRY).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>Lakeview</b>" not in html and "&lt;b&gt;Lakeview&lt;/b&gt;" in html
    assert "<i>field</i>" not in html and "North &lt;i&gt;field&lt;/i&gt;" in html


def test_constant_queries(client, category, imhs, django_assert_max_num_queries):
    def count(size):
        for n in range(size):
            listed(category if n % 2 else imhs, f"Person {n}", "Lakeview")
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(REGISTRY).status_code == 200
        return len(queries)

    small = count(2)
    large = count(20)
    assert small == large
    with django_assert_max_num_queries(small):
        client.get(REGISTRY, {"q": "person", "category": "IMHS"})


def test_the_association_page_links_to_it(client, association, category):
    assert REGISTRY in client.get("/a/northfield/").content.decode()


# The coordinator's CSV


def rows_of(response) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_csv_of_the_registry(client, coordinator, category, imhs):
    listed(category, "Olga", "Lakeview", number="NORTH-IFS-2026-0001")
    listed(imhs, "=HYPERLINK(1)", "@evil", number="NORTH-IMHS-2026-0002")
    listed(category, "Lapsed", status=EndorsementStatus.LAPSED)
    EndorsementFactory(category=category, application__applicant__full_name="Unlisted")
    client.force_login(coordinator)
    dashboard = client.get("/a/northfield/dashboard/coordinator/").content.decode()
    assert CSV_URL in dashboard and REGISTRY in dashboard
    response = client.get(CSV_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "registry-northfield-" in response["Content-Disposition"]
    header, *rows = rows_of(response)
    assert header == [
        "Name",
        "Category code",
        "Category",
        "City or region",
        "Status",
        "Endorsement number",
        "Valid through",
    ]
    year = rows[0][6][:4]
    assert rows == [
        [
            "'=HYPERLINK(1)",
            "IMHS",
            "Infant Mental Health Specialist",
            "'@evil",
            "Active",
            "NORTH-IMHS-2026-0002",
            f"{year}-12-31",
        ],
        [
            "Olga",
            "IFS",
            "Infant Family Specialist",
            "Lakeview",
            "Active",
            "NORTH-IFS-2026-0001",
            f"{year}-12-31",
        ],
    ]


def test_csv_is_for_the_associations_coordinator_only(
    client, association, other_association, category, make_staff
):
    endorsement = listed(category, "Olga")
    refused = {
        "holder": endorsement.holder,
        "another applicant": UserFactory(),
        "another association's coordinator": make_staff(Role.COORDINATOR, other_association),
        "a reviewer of the association": make_staff(Role.REVIEWER, association),
    }
    for who, person in refused.items():
        client.force_login(person)
        assert client.get(CSV_URL).status_code == 403, who
    client.logout()
    response = client.get(CSV_URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
