"""The certificate PDF: its text, metadata and QR code, what it may fetch, the task after the
award, and who may download it."""

import io
import shutil
import subprocess
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.urls import reverse
from pypdf import PdfReader

from accounts.enums import Role
from credentials.certificates import StaticOnlyFetcher, certificate_pdf, static_prefix
from credentials.links import verification_url
from credentials.models import Certificate, CertificateState
from credentials.services import certificate_issue, certificate_produce
from endorsement.awards import endorsement_award
from endorsement.enums import ApplicationState as S
from tests.factories import ApplicationFactory, EndorsementFactory, UserFactory


@pytest.fixture
def endorsement(db, association):
    return EndorsementFactory(
        application__association=association,
        application__applicant=UserFactory(full_name="Ana Ortega", preferred_language="en"),
        category__framework__association=association,
        category__name="Infant Family Specialist",
        number="NORTHFIELD-IFS-2026-0007",
    )


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_pdf_names_the_holder_and_the_number_with_title_and_language(endorsement):
    pdf = certificate_pdf(endorsement=endorsement, holder_name="Ana Ortega")
    text = pdf_text(pdf)
    assert "Ana Ortega" in text
    assert "NORTHFIELD-IFS-2026-0007" in text
    assert "Infant Family Specialist" in text
    assert endorsement.association.name in text
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.metadata.title == (
        "Endorsement certificate: Infant Family Specialist (NORTHFIELD-IFS-2026-0007)"
    )
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert "/StructTreeRoot" in root  # tagged
    assert root["/MarkInfo"]["/Marked"]


def test_the_pdf_is_in_the_holders_language(endorsement):
    endorsement.holder.preferred_language = "es"
    pdf = certificate_pdf(endorsement=endorsement, holder_name="Ana Ortega")
    assert PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/Lang"] == "es"


def test_markup_in_the_name_is_printed_as_text(endorsement):
    name = "<script>alert(1)</script> <b>Bold</b>"
    text = pdf_text(certificate_pdf(endorsement=endorsement, holder_name=name))
    assert "<script>alert(1)</script>" in text
    assert "<b>Bold</b>" in text


def decode_qr(pdf_bytes: bytes, tmp_path) -> list[str]:
    """The QR codes of the PDF's first page, as a real decoder (zbarimg) reads them."""
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(pdf_bytes)
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", "-singlefile", str(pdf), str(tmp_path / "page")],
        check=True,
    )
    return subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(tmp_path / "page.png")],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()


@pytest.mark.skipif(not shutil.which("zbarimg"), reason="zbar-tools is installed by .ci/run")
def test_the_qr_code_decodes_to_the_verification_url_of_the_certificate(
    eager, endorsement, tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        certificate = certificate_issue(endorsement=endorsement)
    certificate.refresh_from_db()
    assert certificate.state == CertificateState.READY
    assert len(certificate.code) == 20
    with certificate.file.open("rb") as handle:
        decoded = decode_qr(handle.read(), tmp_path)
    assert decoded == [
        f"{settings.SITE_URL}/verify/NORTHFIELD-IFS-2026-0007/?certificate={certificate.code}"
    ]
    assert decoded[0] == verification_url("NORTHFIELD-IFS-2026-0007", certificate=certificate.code)


@pytest.mark.skipif(not shutil.which("zbarimg"), reason="zbar-tools is installed by .ci/run")
def test_without_a_code_the_qr_code_opens_the_endorsements_page(endorsement, tmp_path):
    pdf = certificate_pdf(endorsement=endorsement, holder_name="Ana Ortega")
    assert decode_qr(pdf, tmp_path) == [f"{settings.SITE_URL}/verify/NORTHFIELD-IFS-2026-0007/"]


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/style.css",
        "https://example.org/logo.png",
        "file:///etc/passwd",
        "ftp://example.org/x",
        "{static}../../../../../../etc/passwd",
        "{static}..%2F..%2F..%2F..%2Fetc%2Fpasswd",
        "{static}credentials/missing.css",
        "{site}/media/secret.pdf",
    ],
)
def test_the_fetcher_refuses_the_network_and_files_outside_the_static_files(url):
    url = url.format(static=static_prefix(), site=settings.SITE_URL)
    with pytest.raises(ValueError):
        StaticOnlyFetcher().fetch(url)


def test_the_fetcher_serves_the_portals_static_files():
    response = StaticOnlyFetcher().fetch(static_prefix() + "credentials/certificate.css")
    assert b"@page" in response.read()
    assert response.content_type == "text/css"


def test_the_award_produces_a_ready_certificate(
    eager, make_staff, association, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(
        association=association,
        category__framework__association=association,
        state=S.APPROVED,
        applicant=UserFactory(full_name="Bea Lind"),
    )
    coordinator = make_staff(Role.COORDINATOR, association)
    with django_capture_on_commit_callbacks(execute=True):
        endorsement = endorsement_award(application=application, by=coordinator)
    certificate = Certificate.objects.get(endorsement=endorsement)
    assert certificate.state == CertificateState.READY
    assert certificate.holder_name == "Bea Lind"
    assert certificate.file.name.startswith("certificates/")
    with certificate.file.open("rb") as handle:
        text = pdf_text(handle.read())
    assert "Bea Lind" in text and endorsement.number in text


def test_a_new_certificate_supersedes_the_old_one_and_a_failure_is_recorded(
    eager, endorsement, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = certificate_issue(endorsement=endorsement)
    import credentials.certificates

    def broken(**kwargs):
        raise RuntimeError("no fonts")

    monkeypatch.setattr(credentials.certificates, "certificate_pdf", broken)
    with django_capture_on_commit_callbacks(execute=True):
        second = certificate_issue(endorsement=endorsement)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.superseded_at is not None and first.state == CertificateState.READY
    assert second.superseded_at is None and second.state == CertificateState.FAILED
    assert certificate_produce(certificate_id=second.pk) is None  # not pending: left alone


@pytest.fixture
def ready(eager, endorsement, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        certificate = certificate_issue(endorsement=endorsement)
    certificate.refresh_from_db()
    assert certificate.state == CertificateState.READY
    return certificate


def download(client, certificate):
    return client.get(reverse("credentials:certificate.download", kwargs={"pk": certificate.pk}))


@pytest.mark.parametrize("who", ["holder", "coordinator", "association_admin"])
def test_the_holder_and_the_associations_staff_download(
    client, ready, make_staff, association, who
):
    user = {
        "holder": lambda: ready.endorsement.holder,
        "coordinator": lambda: make_staff(Role.COORDINATOR, association),
        "association_admin": lambda: make_staff(Role.ASSOCIATION_ADMIN, association),
    }[who]()
    client.force_login(user)
    response = download(client, ready)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


@pytest.mark.parametrize(
    "who", ["other_applicant", "other_coordinator", "advisor", "reviewer", "superuser"]
)
def test_others_are_refused(client, ready, make_staff, association, other_association, who):
    user = {
        "other_applicant": lambda: UserFactory(),
        "other_coordinator": lambda: make_staff(Role.COORDINATOR, other_association),
        "advisor": lambda: make_staff(Role.ADVISOR, association),
        "reviewer": lambda: make_staff(Role.REVIEWER, association),
        "superuser": lambda: UserFactory(is_superuser=True, is_staff=True),
    }[who]()
    if who == "superuser":  # staff set up two-factor authentication first
        from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

        TOTP.activate(user, generate_totp_secret())
    client.force_login(user)
    assert download(client, ready).status_code == 404
    status = reverse("credentials:certificate.status", kwargs={"pk": ready.pk})
    assert client.get(status).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, ready):
    response = download(client, ready)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_pending_certificate_shows_progress_and_is_not_downloadable(client, endorsement):
    certificate = Certificate.objects.create(endorsement=endorsement, holder_name="Ana Ortega")
    client.force_login(endorsement.holder)
    assert download(client, certificate).status_code == 404
    page = client.get(reverse("credentials:certificate.status", kwargs={"pk": certificate.pk}))
    assert 'hx-trigger="every 3s"' in page.content.decode()
    assert "being produced" in page.content.decode()


def test_the_holders_dashboard_offers_the_download_and_linkedin(client, ready):
    client.force_login(ready.endorsement.holder)
    content = client.get(reverse("accounts:dashboard.applicant")).content.decode()
    assert reverse("credentials:certificate.download", kwargs={"pk": ready.pk}) in content
    start = content.index("https://www.linkedin.com/profile/add?")
    link = content[start : content.index('"', start)].replace("&amp;", "&")
    query = parse_qs(urlsplit(link).query)
    endorsement = ready.endorsement
    assert query["startTask"] == ["CERTIFICATION_NAME"]
    assert query["name"] == ["Infant Family Specialist"]
    assert query["organizationName"] == [endorsement.association.name]
    assert query["issueYear"] == [str(endorsement.awarded_on.year)]
    assert query["expirationMonth"] == [str(endorsement.valid_through.month)]
    assert query["certId"] == ["NORTHFIELD-IFS-2026-0007"]
    assert query["certUrl"] == [verification_url("NORTHFIELD-IFS-2026-0007")]


def test_the_coordinators_application_page_links_the_certificate(
    client, ready, make_staff, association
):
    client.force_login(make_staff(Role.COORDINATOR, association))
    url = reverse("endorsement:detail", kwargs={"application_id": ready.endorsement.application_id})
    content = client.get(url).content.decode()
    assert reverse("credentials:certificate.download", kwargs={"pk": ready.pk}) in content
    assert "linkedin" not in content


def test_the_logo_is_embedded_only_when_it_is_a_png_or_jpeg_of_the_storage(association):
    from django.core.files.base import ContentFile

    from credentials.certificates import logo_data_url

    assert logo_data_url(association) == ""  # no logo: the name alone
    association.logo.save("logo.png", ContentFile(b"\x89PNG\r\n\x1a\n" + b"0" * 20), save=False)
    assert logo_data_url(association).startswith("data:image/png;base64,")
    association.logo.save("logo.png", ContentFile(b"<svg onload=alert(1)>"), save=False)
    assert logo_data_url(association) == ""


def test_renders_of_one_thread_share_their_font_configuration(endorsement, monkeypatch):
    import threading

    from credentials import certificates

    used = []
    write_pdf = certificates.HTML.write_pdf

    def spying(self, *args, **kwargs):
        used.append(kwargs["font_config"])
        return write_pdf(self, *args, **kwargs)

    monkeypatch.setattr(certificates.HTML, "write_pdf", spying)
    first = certificate_pdf(endorsement=endorsement, holder_name="Ana Ortega")
    second = certificate_pdf(endorsement=endorsement, holder_name="Ana María Ortega")
    assert used[0] is used[1] is certificates.font_configuration()
    assert "Ana Ortega" in pdf_text(first)
    assert "Ana María Ortega" in pdf_text(second)
    other = []
    thread = threading.Thread(target=lambda: other.append(certificates.font_configuration()))
    thread.start()
    thread.join()
    assert other[0] is not used[0]
