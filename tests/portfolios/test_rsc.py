"""The RS/C section: list with the window check, add and edit, delete/undo, refusals."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from competencies.enums import RequirementKind, RSCTopic
from endorsement.enums import ApplicationState
from portfolios.models import RSCEntry
from tests.factories import RequirementFactory, UserFactory
from tests.portfolios.training_helpers import add_rsc, make_application, make_category, set_state

D = datetime.date


@pytest.fixture
def category(association):
    category = make_category(association)
    RequirementFactory(
        category=category,
        kind=RequirementKind.RSC,
        min_hours=24,
        window_min_months=12,
        window_max_months=24,
        order=1,
    )
    return category


@pytest.fixture
def owner(db):
    return UserFactory(full_name="Ana Owner")


@pytest.fixture
def application(category, owner):
    return make_application(category, applicant=owner)


@pytest.fixture
def entry(application):
    return add_rsc(
        application,
        10,
        D(2024, 6, 1),
        D(2024, 12, 31),
        provider_name="Dana Provider",
        provider_endorsement_number="NF-IMHM-0042",
    )


def url(name, application, **kwargs):
    return reverse(f"portfolios:{name}", kwargs={"application_id": application.pk, **kwargs})


def form_data(**overrides):
    data = {
        "provider_name": "Lee Consultant",
        "provider_endorsement_number": "",
        "format": "group",
        "start": "2025-01-06",
        "end": "2025-06-30",
        "hours": "12",
    }
    data.update(overrides)
    return data


# The list and the window check


def test_the_list_shows_the_entries_and_which_hours_count(client, owner, application, entry):
    add_rsc(application, 6, D(2024, 1, 1), D(2024, 2, 29), provider_name="Old Provider")
    add_rsc(application, 8, D(2025, 1, 1), D(2026, 2, 15), about_rsc_provided=True)
    client.force_login(owner)
    response = client.get(url("rsc.list", application))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1>") == 1
    assert "<caption>3 entries, 24 hours in all</caption>" in html
    [result] = response.context["results"]
    assert (result.hours, result.needed, result.met) == (Decimal("18"), Decimal("24"), False)
    assert result.messages == [
        "18 of 24 hours within 24 months",
        "Hours before March 2024 fall outside the 24-month window and do not count",
    ]
    # The section's requirement check panel says it.
    assert "18 of 24 hours within 24 months" in html
    assert "Hours before March 2024 fall outside the 24-month window and do not count" in html
    assert (
        '<p id="rsc-window">Hours count when they were received from March 2024 to February '
        "2026: the 24 months ending with your latest entry. The table shows how many hours of "
        "each entry count.</p>"
    ) in html
    assert (
        '<th scope="row">Dana Provider<br><span class="small text-body-secondary">'
        "Endorsement no. NF-IMHM-0042</span></th>\n"
        '      <td data-label="Individual or group">Individual</td>\n'
        '      <td data-label="From">June 1, 2024</td>\n'
        '      <td data-label="To">Dec. 31, 2024</td>\n'
        '      <td class="text-end" data-label="Hours">10</td>\n'
        '      <td class="text-end" data-label="Hours that count">10</td>\n'
        '      <td data-label="About the RS/C you provide">No</td>'
    ) in html
    assert (
        '<th scope="row">Old Provider</th>\n'
        '      <td data-label="Individual or group">Individual</td>\n'
        '      <td data-label="From">Jan. 1, 2024</td>\n'
        '      <td data-label="To">Feb. 29, 2024</td>\n'
        '      <td class="text-end" data-label="Hours">6</td>\n'
        '      <td class="text-end" data-label="Hours that count">0</td>'
    ) in html


def test_met_requirements_say_so(client, owner, application):
    add_rsc(application, 12, D(2024, 3, 1), D(2025, 2, 28))
    add_rsc(application, 12, D(2025, 3, 1), D(2026, 2, 28))
    client.force_login(owner)
    response = client.get(url("rsc.list", application))
    [result] = response.context["results"]
    assert (result.met, result.messages) == (True, ["24 of 24 hours within 24 months"])
    html = response.content.decode()
    assert "24 of 24 hours within 24 months" in html
    assert "fall outside" not in html


def test_the_spread_is_checked(client, owner, application):
    add_rsc(application, 30, D(2025, 1, 6), D(2025, 8, 25))
    client.force_login(owner)
    html = client.get(url("rsc.list", application)).content.decode()
    assert "Your hours span 8 months; they must be spread over at least 12 months" in html


def test_mentor_categories_show_both_rows(client, owner, association):
    category = make_category(association, code="IMHM-C")
    RequirementFactory(category=category, kind=RequirementKind.RSC, min_hours=50, order=1)
    RequirementFactory(
        category=category,
        kind=RequirementKind.RSC,
        min_hours=25,
        topic=RSCTopic.ABOUT_RSC_PROVIDED,
        order=2,
    )
    application = make_application(category, applicant=owner)
    add_rsc(application, 40, D(2019, 1, 1), D(2022, 12, 31))
    add_rsc(application, 7.5, D(2023, 1, 1), D(2023, 6, 30), about_rsc_provided=True)
    client.force_login(owner)
    response = client.get(url("rsc.list", application))
    html = response.content.decode()
    assert [r.messages for r in response.context["results"]] == [
        ["47.5 of 50 hours"],
        ["7.5 of 25 hours about the RS/C you provide"],
    ]
    assert "7.5 of 25 hours about the RS/C you provide" in html
    # No window: no "hours that count" column.
    assert "Hours that count" not in html
    assert 'id="rsc-window"' not in html


def test_a_category_without_rsc_requirements_shows_no_check(client, owner, association):
    application = make_application(make_category(association, code="IFA"), applicant=owner)
    client.force_login(owner)
    html = client.get(url("rsc.list", application)).content.decode()
    assert 'id="rsc-window"' not in html
    assert "within 24 months" not in html
    assert "No reflective supervision/consultation listed yet." in html


def test_list_queries_do_not_grow_with_the_entries(client, owner, application):
    def add(n, start):
        for i in range(n):
            add_rsc(application, 2, start + datetime.timedelta(days=30 * i), D(2026, 1, 31))

    add(1, D(2024, 1, 1))
    client.force_login(owner)
    client.get(url("rsc.list", application))
    with CaptureQueriesContext(connection) as one:
        assert client.get(url("rsc.list", application)).status_code == 200
    add(15, D(2023, 1, 1))
    RSCEntry.objects.filter(pk=RSCEntry.objects.first().pk).update(deleted_at=timezone.now())
    with CaptureQueriesContext(connection) as many:
        response = client.get(url("rsc.list", application))
    assert len(response.context["items"]) == 15
    assert len(many) == len(one)


# Adding and editing


def test_adding_an_entry(client, owner, application):
    client.force_login(owner)
    page = client.get(url("rsc.add", application)).content.decode()
    assert "<h1>Add reflective supervision/consultation</h1>" in page
    assert 'value="individual"' in page and 'value="group"' in page
    assert 'value=""' not in page.split('id="div_id_format"')[1].split("</fieldset>")[0]
    response = client.post(
        url("rsc.add", application),
        form_data(provider_endorsement_number="NF-1", about_rsc_provided="on"),
    )
    assert response.status_code == 302
    assert response["Location"] == url("rsc.list", application)
    entry = RSCEntry.objects.get(application=application)
    assert (
        entry.provider_name,
        entry.provider_endorsement_number,
        entry.format,
        entry.start,
        entry.end,
        entry.hours,
        entry.about_rsc_provided,
    ) == ("Lee Consultant", "NF-1", "group", D(2025, 1, 6), D(2025, 6, 30), Decimal("12"), True)


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        ({"end": "2024-12-31"}, {"end": ["The end date must be on or after the start date."]}),
        ({"hours": "0"}, {"hours": ["Enter more than 0 hours."]}),
        (
            {"hours": "501"},
            {"hours": ["One entry can hold at most 500 hours: split longer periods."]},
        ),
        (
            {"format": "pairs"},
            {"format": ["Select a valid choice. pairs is not one of the available choices."]},
        ),
        ({"provider_name": ""}, {"provider_name": ["This field is required."]}),
    ],
)
def test_the_form_refuses_wrong_values(client, owner, application, overrides, errors):
    client.force_login(owner)
    response = client.post(url("rsc.add", application), form_data(**overrides))
    assert response.status_code == 200
    assert response.context["form"].errors == errors
    assert RSCEntry.objects.count() == 0


def test_dates_may_not_be_in_the_future(client, owner, application):
    client.force_login(owner)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client.post(url("rsc.add", application), form_data(start=tomorrow, end=tomorrow))
    assert response.context["form"].errors == {
        "start": ["This date is in the future."],
        "end": ["This date is in the future."],
    }


def test_editing_an_entry(client, owner, application, entry):
    client.force_login(owner)
    html = client.get(url("rsc.edit", application, pk=entry.pk)).content.decode()
    assert "<h1>Edit Dana Provider: 10.0 h</h1>" in html
    assert 'value="2024-06-01"' in html
    response = client.post(url("rsc.edit", application, pk=entry.pk), form_data(hours="14.5"))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.provider_name, entry.hours) == ("Lee Consultant", Decimal("14.5"))


def test_delete_asks_first_then_can_be_undone(client, owner, application, entry):
    client.force_login(owner)
    assert client.get(url("rsc.delete", application, pk=entry.pk)).status_code == 200
    client.post(url("rsc.delete", application, pk=entry.pk))
    entry.refresh_from_db()
    assert entry.deleted_at is not None
    html = client.get(url("rsc.list", application)).content.decode()
    assert f'action="{url("rsc.restore", application, pk=entry.pk)}"' in html
    assert "0 of 24 hours within 24 months" in html
    client.post(url("rsc.restore", application, pk=entry.pk))
    entry.refresh_from_db()
    assert entry.deleted_at is None


# Who may do what

EDIT_URLS = [
    ("get", "rsc.add", False),
    ("post", "rsc.add", False),
    ("get", "rsc.edit", True),
    ("post", "rsc.edit", True),
    ("get", "rsc.delete", True),
    ("post", "rsc.delete", True),
    ("post", "rsc.restore", True),
]
ALL_URLS = [("get", "rsc.list", False), *EDIT_URLS]


def call(client, method, name, application, entry, with_pk):
    kwargs = {"pk": entry.pk} if with_pk else {}
    return getattr(client, method)(url(name, application, **kwargs), form_data())


@pytest.mark.parametrize(("method", "name", "with_pk"), ALL_URLS)
def test_another_applicant_gets_404(client, application, entry, method, name, with_pk):
    client.force_login(UserFactory())
    assert call(client, method, name, application, entry, with_pk).status_code == 404
    assert RSCEntry.objects.get().provider_name == "Dana Provider"


@pytest.mark.parametrize(("method", "name", "with_pk"), ALL_URLS)
def test_a_coordinator_of_another_association_gets_404(
    client, make_staff, other_association, application, entry, method, name, with_pk
):
    client.force_login(make_staff(Role.COORDINATOR, other_association))
    assert call(client, method, name, application, entry, with_pk).status_code == 404


def test_the_coordinator_of_the_association_reads_but_may_not_edit(
    client, make_staff, association, application, entry
):
    client.force_login(make_staff(Role.COORDINATOR, association))
    html = client.get(url("rsc.list", application)).content.decode()
    assert "Dana Provider" in html
    assert url("rsc.edit", application, pk=entry.pk) not in html
    for method, name, with_pk in EDIT_URLS:
        assert call(client, method, name, application, entry, with_pk).status_code == 404


@pytest.mark.parametrize(("method", "name", "with_pk"), ALL_URLS)
def test_anonymous_visitors_are_sent_to_log_in(client, application, entry, method, name, with_pk):
    response = call(client, method, name, application, entry, with_pk)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(("method", "name", "with_pk"), EDIT_URLS)
def test_the_owner_may_not_edit_once_submitted(
    client, owner, application, entry, method, name, with_pk
):
    if name == "rsc.restore":
        RSCEntry.objects.filter(pk=entry.pk).update(deleted_at=timezone.now())
    set_state(application, ApplicationState.SUBMITTED)
    client.force_login(owner)
    assert call(client, method, name, application, entry, with_pk).status_code == 403
    assert RSCEntry.objects.get().provider_name == "Dana Provider"


def test_the_owner_still_reads_a_submitted_list(client, owner, application, entry):
    set_state(application, ApplicationState.SUBMITTED)
    client.force_login(owner)
    response = client.get(url("rsc.list", application))
    assert response.status_code == 200
    assert url("rsc.add", application) not in response.content.decode()
