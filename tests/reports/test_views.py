import csv
import io

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.enums import Role
from accounts.models import WorkforceProfile
from billing.enums import FeeType, PaymentKind, PaymentMethod
from endorsement.enums import ApplicationState as S
from reports.views import REPORTS
from tests.factories import ApplicationFactory, EndorsementFactory, UserFactory
from tests.reports.conftest import at, event, money_row

pytestmark = pytest.mark.django_db
SLUGS = [report.slug for report in REPORTS]


def index_url(association):
    return reverse("reports:index", args=[association.slug])


def report_url(association, slug, csv=False):
    return reverse("reports:report.csv" if csv else "reports:report", args=[association.slug, slug])


def _with_totp(person):
    TOTP.activate(person, generate_totp_secret())
    return person


def test_anonymous_people_are_sent_to_log_in(client, association):
    for url in [
        index_url(association),
        report_url(association, "applications"),
        report_url(association, "applications", csv=True),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize(
    "who",
    [
        "applicant",
        "reviewer",
        "advisor",
        "coordinator elsewhere",
        "admin elsewhere",
        "platform admin",
    ],
)
def test_only_the_association_coordinators_and_admins_read_its_reports(
    client, make_staff, association, other_association, who
):
    person = {
        "applicant": lambda: (
            ApplicationFactory(category__framework__association=association).applicant
        ),
        "reviewer": lambda: make_staff(Role.REVIEWER, association),
        "advisor": lambda: make_staff(Role.ADVISOR, association),
        "coordinator elsewhere": lambda: make_staff(Role.COORDINATOR, other_association),
        "admin elsewhere": lambda: make_staff(Role.ASSOCIATION_ADMIN, other_association),
        "platform admin": lambda: _with_totp(UserFactory(is_superuser=True, is_staff=True)),
    }[who]()
    client.force_login(person)
    for url in [
        index_url(association),
        report_url(association, "waivers"),
        report_url(association, "waivers", csv=True),
    ]:
        assert client.get(url).status_code == 403


def test_the_index_lists_every_report_for_coordinators_and_admins(
    client, association, coordinator, assoc_admin
):
    for person in (coordinator, assoc_admin):
        client.force_login(person)
        response = client.get(index_url(association))
        assert response.status_code == 200
        html = response.content.decode()
        for slug in SLUGS:
            assert f'href="{report_url(association, slug)}"' in html


def test_an_unknown_report_is_not_found(client, association, coordinator):
    client.force_login(coordinator)
    assert client.get(report_url(association, "salaries")).status_code == 404
    assert client.get(report_url(association, "salaries", csv=True)).status_code == 404


@pytest.mark.parametrize(
    ("slug", "query"),
    [
        ("applications", "year=abc"),
        ("applications", "year=1900"),
        ("revenue", "year=2020x"),
        ("endorsements", "by=race_ethnicity"),
    ],
)
def test_a_bad_filter_is_a_400_with_the_reason(client, association, coordinator, slug, query):
    client.force_login(coordinator)
    response = client.get(report_url(association, slug) + "?" + query)
    assert response.status_code == 400
    assert 'id="report-invalid"' in response.content.decode()
    assert client.get(report_url(association, slug, csv=True) + "?" + query).status_code == 400


@pytest.mark.parametrize("slug", SLUGS)
def test_every_report_page_shows_an_empty_state_without_data(
    client, association, coordinator, slug
):
    client.force_login(coordinator)
    response = client.get(report_url(association, slug))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing to report yet." in html
    assert "<svg" not in html


def test_the_page_draws_the_chart_beside_the_table(client, association, coordinator, category):
    for _ in range(2):
        ApplicationFactory(association=association, category=category)
    client.force_login(coordinator)
    html = client.get(report_url(association, "applications")).content.decode()
    assert (
        '<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" role="img" viewBox="0 0 560 '
    ) in html
    assert '<title id="chart-title">Applications by state and category</title>' in html
    assert '<table class="table table-sm table-stack" id="report-table">' in html
    assert '<th scope="row">Registered</th><td class="text-end" data-label="IFS">2</td>' in html
    assert 'href="/a/northfield/reports/applications/csv/"' in html


def _holders(association, category, count, **profile):
    for _ in range(count):
        endorsement = EndorsementFactory(category=category, application__association=association)
        WorkforceProfile.objects.create(user=endorsement.holder, **profile)


def test_region_names_are_text_and_formula_safe_and_small_groups_are_hidden(
    client, association, coordinator, category
):
    _holders(association, category, 5, region="=SUM(A1)<b>x</b>")
    _holders(association, category, 4, region="Smalltown")
    client.force_login(coordinator)
    html = client.get(report_url(association, "endorsements") + "?by=region").content.decode()
    assert "<b>x</b>" not in html
    assert "=SUM(A1)&lt;b&gt;x&lt;/b&gt;" in html
    assert (
        '<th scope="row">Smalltown</th><td class="text-end" data-label="Holders">fewer than 5</td>'
        in html
    )
    response = client.get(report_url(association, "endorsements", csv=True) + "?by=region")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="endorsements-northfield-region-'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        ["Region served", "Holders"],
        ["'=SUM(A1)<b>x</b>", "5"],
        ["Smalltown", "fewer than 5"],
    ]


def test_the_csv_holds_the_table(client, association, assoc_admin):
    person = UserFactory()
    money_row(
        association,
        person,
        fee_type=FeeType.PROCESSING,
        kind=PaymentKind.WAIVER,
        method=PaymentMethod.SCHOLARSHIP,
        amount="300.00",
        moment=at(2026, 2, 1),
    )
    client.force_login(assoc_admin)
    response = client.get(report_url(association, "waivers", csv=True) + "?year=2026")
    assert response["Content-Disposition"] == 'attachment; filename="waivers-northfield-2026.csv"'
    assert response.content.decode("utf-8-sig").splitlines() == [
        "Fee,Currency,Waivers,Scholarships,Amount waived",
        "Processing fee,USD,0,1,300.00",
    ]


def test_the_reports_speak_spanish(client, association, coordinator, category):
    ApplicationFactory(association=association, category=category)
    coordinator.preferred_language = "es"
    coordinator.save()
    client.force_login(coordinator)
    html = client.get(report_url(association, "applications")).content.decode()
    assert "<title>Solicitudes por estado y categoría – Northfield" in html
    assert '<p id="report-summary">1 solicitud en total.</p>' in html
    assert '<th scope="row">Inscripción recibida</th>' in html


def _fill(association, category, size):
    """``size`` of everything each report reads."""
    person = UserFactory()
    for index in range(size):
        application = ApplicationFactory(association=association, category=category)
        event(application, S.SUBMITTED, at(2026, 1, 1))
        event(application, S.APPROVED, at(2026, 1, 2 + index))
        endorsement = EndorsementFactory(category=category, application__association=association)
        WorkforceProfile.objects.create(user=endorsement.holder, languages=["es"], region="North")
        for kind, method in (
            (PaymentKind.PAYMENT, PaymentMethod.CHEQUE),
            (PaymentKind.WAIVER, PaymentMethod.WAIVER),
        ):
            money_row(
                association,
                person,
                fee_type=FeeType.PROCESSING,
                kind=kind,
                method=method,
                amount="10.00",
                moment=at(association.today().year, 1 + index % 12, 2),
            )


@pytest.mark.parametrize(
    ("slug", "query"),
    [(slug, "") for slug in SLUGS] + [("endorsements", "?by=language")],
)
def test_the_number_of_queries_does_not_grow(
    client, association, coordinator, category, django_assert_max_num_queries, slug, query
):
    client.force_login(coordinator)
    url = report_url(association, slug) + query
    _fill(association, category, 1)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _fill(association, category, 8)
    with django_assert_max_num_queries(len(small)):
        response = client.get(url)
    assert "Nothing to report yet." not in response.content.decode()
    with django_assert_max_num_queries(len(small)):
        assert client.get(report_url(association, slug, csv=True) + query).status_code == 200


def test_both_dashboards_link_to_the_reports(client, association, coordinator, assoc_admin):
    for person, role in ((coordinator, Role.COORDINATOR), (assoc_admin, Role.ASSOCIATION_ADMIN)):
        client.force_login(person)
        html = client.get(
            reverse("accounts:dashboard.role", kwargs={"slug": association.slug, "role": role})
        ).content.decode()
        assert f'<a href="{index_url(association)}" id="reports-link">' in html
