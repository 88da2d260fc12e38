"""The association's colour in the header: the text colour keeps WCAG AA contrast, and a page
about one association (and only such a page) wears its colour and name."""

import pytest
from django.urls import reverse

from accounts.branding import (
    DARK_TEXT,
    LIGHT_TEXT,
    PORTAL_COLOUR,
    brand_for,
    contrast_ratio,
    page_association,
    relative_luminance,
    text_colour_for,
)
from accounts.enums import Role
from endorsement.models import Application
from tests.factories import ApplicationFactory


@pytest.mark.parametrize(
    ("colour", "luminance"),
    [("#000000", 0.0), ("#ffffff", 1.0), ("#FF0000", 0.2126), ("00ff00", 0.7152)],
)
def test_relative_luminance(colour, luminance):
    assert relative_luminance(colour) == pytest.approx(luminance, abs=1e-4)


def test_contrast_ratio_is_symmetric_and_spans_1_to_21():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#000000") == pytest.approx(21.0)
    assert contrast_ratio("#1f4e79", "#1f4e79") == pytest.approx(1.0)
    # Bootstrap's grey on white, a known value.
    assert contrast_ratio("#6c757d", "#ffffff") == pytest.approx(4.69, abs=0.01)


@pytest.mark.parametrize(
    ("background", "text"),
    [
        ("#1f4e79", LIGHT_TEXT),
        ("#1f5f8b", LIGHT_TEXT),
        ("#f0b400", DARK_TEXT),
        ("#ffffff", DARK_TEXT),
        ("#000000", LIGHT_TEXT),
        ("#777777", DARK_TEXT),
    ],
)
def test_text_colour_is_the_one_with_more_contrast(background, text):
    assert text_colour_for(background) == text


def test_every_grey_and_primary_keeps_aa():
    colours = [f"#{v:02x}{v:02x}{v:02x}" for v in range(256)]
    colours += [
        f"#{r:02x}{g:02x}{b:02x}"
        for r in (0, 128, 255)
        for g in (0, 128, 255)
        for b in (0, 128, 255)
    ]
    worst = min(contrast_ratio(colour, text_colour_for(colour)) for colour in colours)
    assert worst >= 4.5


def test_bad_colour_is_refused():
    with pytest.raises(ValueError):
        relative_luminance("blue")


def test_brand_falls_back_to_the_portal_colour(association):
    assert brand_for(None).colour == PORTAL_COLOUR
    association.brand_colour = "not a colour"
    assert brand_for(association).colour == PORTAL_COLOUR
    association.brand_colour = "#F0B400"
    brand = brand_for(association)
    assert (brand.colour, brand.text, brand.is_dark) == ("#f0b400", DARK_TEXT, False)
    assert brand.logo_url == ""


def test_page_association_reads_the_context_without_a_query(
    association, category, django_assert_num_queries
):
    application = ApplicationFactory(category=category)
    assert page_association({"association": association}) == association
    assert page_association({"association": "not one"}) is None
    fresh = Application.objects.get(pk=application.pk)
    with django_assert_num_queries(0):
        assert page_association({"application": fresh}) is None
    loaded = Application.objects.select_related("association").get(pk=application.pk)
    with django_assert_num_queries(0):
        assert page_association({"application": loaded}) == association


def test_staff_dashboard_wears_the_association_colour(client, make_staff, association):
    association.brand_colour = "#f0b400"
    association.save()
    client.force_login(make_staff(Role.REVIEWER, association))
    url = reverse("accounts:dashboard.role", kwargs={"slug": association.slug, "role": "reviewer"})
    html = client.get(url).content.decode()
    assert "--portal-brand: #f0b400; --portal-brand-text: #000000;" in html
    assert f'<span class="portal-association navbar-text">{association.name}</span>' in html
    assert 'data-bs-theme="light"' in html


def test_a_page_about_no_association_wears_the_portal_colour(client, user):
    client.force_login(user)
    html = client.get("/dashboard/applicant/").content.decode()
    assert f"--portal-brand: {PORTAL_COLOUR}; --portal-brand-text: #ffffff;" in html
    assert "portal-association" not in html
    assert 'data-bs-theme="dark"' in html
