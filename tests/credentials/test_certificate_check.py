"""The verification page of a scanned certificate (``/verify/<number>/?certificate=<code>``):
the current one, or superseded on a date by a newer one (never the name it printed), or not
one of the endorsement's; the page without a code as before."""

import datetime

import pytest
from django.urls import reverse

from credentials import tasks
from credentials.models import Certificate, CertificateState
from credentials.services import certificate_issue
from endorsement.enums import ApplicationState
from tests.factories import ApplicationFactory, EndorsementFactory


@pytest.fixture
def endorsement(category, applicant, association):
    association.time_zone = "America/Chicago"
    association.save()
    application = ApplicationFactory(
        category=category, applicant=applicant, state=ApplicationState.AWARDED
    )
    return EndorsementFactory(
        application=application, category=category, number="NORTH-IFS-2026-0001"
    )


@pytest.fixture
def old_and_new(endorsement, monkeypatch, django_capture_on_commit_callbacks):
    """A certificate printed "Ana Applicant", replaced on 2 June 2026 (Chicago) by one printed
    "Ana Beltrán" after the holder's change of name."""
    monkeypatch.setattr(tasks.certificate_render, "delay", lambda pk: None)
    old = Certificate.objects.create(
        endorsement=endorsement, holder_name="Ana Applicant", state=CertificateState.READY
    )
    endorsement.holder.full_name = "Ana Beltrán"
    endorsement.holder.save()
    with django_capture_on_commit_callbacks(execute=True):
        new = certificate_issue(endorsement=endorsement)
    Certificate.objects.filter(pk=old.pk).update(
        superseded_at=datetime.datetime(2026, 6, 3, 3, 0, tzinfo=datetime.UTC)
    )
    old.refresh_from_db()
    return old, new


def page(client, code=None, number="NORTH-IFS-2026-0001"):
    url = reverse("credentials:verify", kwargs={"number": number})
    return client.get(url, {"certificate": code} if code is not None else {})


def test_the_old_certificate_is_shown_superseded_without_its_name(client, old_and_new):
    old, _new = old_and_new
    response = page(client, old.code)
    assert response.status_code == 200
    content = response.content.decode()
    assert 'data-certificate="superseded"' in content
    assert "This certificate was superseded on June 2, 2026 by a newer certificate." in content
    assert "Ana Applicant" not in content  # the old name is never public
    assert '<dd class="col-sm-9 verification-holder">Ana Beltrán</dd>' in content
    assert 'data-status="active"' in content  # the endorsement's standing, as now


def test_the_new_certificate_is_the_current_one(client, old_and_new):
    _old, new = old_and_new
    content = page(client, new.code.upper()).content.decode()
    assert 'data-certificate="current"' in content
    assert "This is the endorsement's current certificate, issued on" in content


@pytest.mark.parametrize(
    "code",
    ["0123456789abcdef0123", "", "<script>alert(1)</script>", "x" * 5000, "0123\x00", "%"],
)
def test_an_unknown_or_malformed_code_gets_a_clear_message(client, old_and_new, code):
    response = page(client, code)
    assert response.status_code == 200
    content = response.content.decode()
    assert 'data-certificate="unknown"' in content
    assert "This certificate is not one the association issued for this endorsement" in content
    assert "<script>alert(1)</script>" not in content


def test_a_code_of_another_endorsements_certificate_is_unknown(client, old_and_new, category):
    other = EndorsementFactory(category=category, number="NORTH-IFS-2026-0002")
    stranger = Certificate.objects.create(endorsement=other, holder_name="Bo Other")
    content = page(client, stranger.code).content.decode()
    assert 'data-certificate="unknown"' in content
    assert "Bo Other" not in content


def test_without_a_code_the_page_says_nothing_of_certificates(client, old_and_new):
    content = page(client).content.decode()
    assert "certificate-check" not in content
    assert "Ana Beltrán" in content


def test_each_certificate_gets_its_own_code(endorsement):
    codes = {
        Certificate.objects.create(endorsement=endorsement, holder_name="A").code for _ in range(5)
    }
    assert len(codes) == 5
    assert all(len(code) == 20 and int(code, 16) >= 0 for code in codes)


def test_the_page_with_a_code_costs_one_query_more(
    client, old_and_new, django_assert_max_num_queries
):
    old, _new = old_and_new
    page(client)  # the endorsement's facts are now cached
    with django_assert_max_num_queries(2):
        assert page(client, old.code).status_code == 200


def test_the_superseded_certificate_in_spanish(client, old_and_new, settings):
    old, _new = old_and_new
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    content = page(client, old.code).content.decode()
    assert "Este certificado fue reemplazado el 2 de junio de 2026" in content
    assert "Ana Applicant" not in content
