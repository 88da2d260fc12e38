"""The person's professional profile (``accounts:workforce``): only they read and change it; the
applicant's dashboard shows it with the link, and their membership standing with what to do."""

import datetime

import pytest

from accounts.enums import MembershipStatus
from accounts.models import WorkforceProfile, membership_end
from accounts.services import workforce_profile_update
from tests.factories import MembershipFactory

URL = "/profile/workforce/"


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    response = client.post(URL, {"work_setting": "clinic"})
    assert response.status_code == 302
    assert not WorkforceProfile.objects.exists()


def test_person_fills_in_their_profile(client, applicant):
    client.force_login(applicant)
    response = client.post(
        URL,
        {
            "work_setting": "home_visiting",
            "discipline": "social_work",
            "region": "  Hartford   County ",
            "languages": ["es", "en"],
            "other_languages": "Quechua",
            "race_ethnicity": ["hispanic"],
            "race_ethnicity_description": "",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/applicant/"
    profile = WorkforceProfile.objects.get(user=applicant)
    assert (profile.work_setting, profile.discipline, profile.region) == (
        "home_visiting",
        "social_work",
        "Hartford County",
    )
    assert profile.languages == ["es", "en"]
    assert profile.language_labels() == ["Spanish", "English", "Quechua"]
    assert profile.race_ethnicity == ["hispanic"]
    assert (profile.show_languages, profile.show_region) == (False, False)


def test_form_shows_what_was_saved(client, applicant):
    workforce_profile_update(user=applicant, work_setting="clinic", languages=["ko"])
    client.force_login(applicant)
    form = client.get(URL).context["form"]
    assert form.initial["work_setting"] == "clinic"
    assert form.initial["languages"] == ["ko"]


def test_only_the_work_setting_is_required(client, applicant):
    client.force_login(applicant)
    response = client.post(URL, {"region": "Somewhere"})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "work_setting": ["Choose the place where you mainly work."]
    }
    assert not WorkforceProfile.objects.exists()
    assert client.post(URL, {"work_setting": "other"}).status_code == 302
    assert WorkforceProfile.objects.get(user=applicant).languages == []


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"race_ethnicity": ["prefer_not", "white"]}, "race_ethnicity"),
        ({"languages": ["xx"]}, "languages"),
        ({"discipline": "astrology"}, "discipline"),
        ({"work_setting": "moon"}, "work_setting"),
        ({"region": "x" * 101}, "region"),
    ],
)
def test_bad_input_is_a_form_error(client, applicant, data, field):
    client.force_login(applicant)
    response = client.post(URL, {"work_setting": "clinic", **data})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert not WorkforceProfile.objects.exists()


def test_prefer_not_to_say_drops_the_description(client, applicant):
    client.force_login(applicant)
    client.post(
        URL,
        {
            "work_setting": "clinic",
            "race_ethnicity": ["prefer_not"],
            "race_ethnicity_description": "something",
        },
    )
    profile = WorkforceProfile.objects.get(user=applicant)
    assert (profile.race_ethnicity, profile.race_ethnicity_description) == (["prefer_not"], "")


def test_each_person_edits_only_their_own(client, applicant, coordinator):
    """There is no address for someone else's profile: a coordinator's post writes their own."""
    workforce_profile_update(user=applicant, work_setting="clinic", region="Secret Valley")
    client.force_login(coordinator)
    response = client.get(URL)
    assert "Secret Valley" not in response.content.decode()
    client.post(URL, {"work_setting": "policy"})
    assert WorkforceProfile.objects.get(user=applicant).work_setting == "clinic"
    assert WorkforceProfile.objects.get(user=coordinator).work_setting == "policy"


def test_profile_is_not_shown_to_the_coordinator_on_the_application_page(
    client, coordinator, category, applicant
):
    from tests.factories import ApplicationFactory

    workforce_profile_update(
        user=applicant, work_setting="clinic", region="Secret Valley", discipline="nursing"
    )
    application = ApplicationFactory(category=category, applicant=applicant, state="accepted")
    client.force_login(coordinator)
    html = client.get(f"/coordinator/applications/{application.pk}/").content.decode()
    assert "Secret Valley" not in html
    assert "Nursing" not in html


def test_page_speaks_spanish(client, applicant):
    applicant.preferred_language = "es"
    applicant.save()
    client.force_login(applicant)
    client.post("/language/", {"language": "es"})
    html = client.get(URL).content.decode()
    assert "Su perfil profesional" in html
    assert "Visitas a domicilio" in html


def test_dashboard_invites_to_fill_in_the_profile_then_shows_it(client, applicant):
    client.force_login(applicant)
    html = client.get("/dashboard/applicant/").content.decode()
    assert "Fill in your professional profile" in html
    workforce_profile_update(user=applicant, work_setting="child_care", languages=["es"])
    html = client.get("/dashboard/applicant/").content.decode()
    assert "You work mainly in: Child care or early education." in html
    assert "Languages: Spanish." in html
    assert 'href="/profile/workforce/"' in html


@pytest.mark.parametrize(
    ("joined", "status", "sentence"),
    [
        (datetime.date(2026, 10, 5), MembershipStatus.ACTIVE, "you are a member until"),
        (datetime.date(2026, 2, 1), MembershipStatus.ACTIVE, "your membership ends on"),
        (datetime.date(2025, 2, 1), MembershipStatus.ACTIVE, "your membership ended on"),
        (datetime.date(2026, 12, 1), MembershipStatus.PENDING, "waits for its payment"),
        (datetime.date(2026, 2, 1), MembershipStatus.CANCELLED, "you have no current membership"),
    ],
)
def test_dashboard_says_where_the_membership_stands_and_what_to_do(
    client, applicant, association, monkeypatch, joined, status, sentence
):
    monkeypatch.setattr(
        "accounts.models.Association.today", lambda self: datetime.date(2026, 12, 10)
    )
    MembershipFactory(
        association=association,
        user=applicant,
        start=joined,
        end=membership_end(joined),
        status=status,
    )
    client.force_login(applicant)
    html = client.get("/dashboard/applicant/").content.decode()
    assert sentence in html
    if sentence != "you are a member until":
        assert f'href="/billing/membership/{association.slug}/"' in html
