"""Agreements: the texts in force, signing by typing one's name, the sample texts, the admin."""

import datetime
import io

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.messages import get_messages
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.enums import Role
from accounts.services import role_grant
from endorsement.enums import ApplicationState as S
from portfolios.agreements import (
    SignatureRefused,
    agreement_sign,
    agreement_statuses,
    agreement_texts_in_force,
    agreements_data_read,
    normalise_name,
)
from portfolios.enums import AgreementKind as K
from portfolios.models import AgreementText, Signature
from portfolios.services import PortfolioLocked
from tests.factories import ApplicationFactory, EndorsementCategoryFactory, UserFactory

ETHICS, AGREEMENT = K.CODE_OF_ETHICS, K.ENDORSEMENT_AGREEMENT


@pytest.fixture
def texts(association):
    call_command("load_agreements", "--association", association.slug, verbosity=0)
    return {(t.kind, t.language): t for t in AgreementText.objects.filter(association=association)}


@pytest.fixture
def applicant(db):
    return UserFactory(email="ana@example.org", full_name="Ana María Applicant")


@pytest.fixture
def application(association, applicant):
    category = EndorsementCategoryFactory(framework__association=association, code="IFS")
    return ApplicationFactory(applicant=applicant, category=category, state=S.ACCEPTED)


def url(application) -> str:
    return reverse("portfolios:agreements", kwargs={"application_id": application.pk})


def sign_data(text, name="Ana María Applicant") -> dict:
    return {
        "kind": text.kind,
        f"{text.kind}-agreement": str(text.pk),
        f"{text.kind}-typed_name": name,
    }


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# The sample texts and load_agreements


def test_load_agreements_adds_both_texts_in_both_languages(association, texts):
    assert sorted(texts) == [
        (ETHICS, "en"),
        (ETHICS, "es"),
        (AGREEMENT, "en"),
        (AGREEMENT, "es"),
    ]
    for text in texts.values():
        assert (text.version, text.effective_from) == ("sample-2025", datetime.date(2025, 1, 1))
    assert texts[ETHICS, "en"].body.startswith(
        "SAMPLE TEXT: your association replaces this Code of Ethics with its own."
    )
    assert texts[AGREEMENT, "es"].body.startswith(
        "TEXTO DE MUESTRA: su asociación reemplaza este Acuerdo de Endoso por el suyo."
    )


def test_load_agreements_is_idempotent_and_keeps_edits(association, texts):
    AgreementText.objects.filter(pk=texts[ETHICS, "en"].pk).update(body="Our own code.")
    out = io.StringIO()
    call_command("load_agreements", "--association", association.slug, stdout=out)
    assert out.getvalue() == "northfield: 0 agreement texts added.\n"
    assert AgreementText.objects.filter(association=association).count() == 4
    assert AgreementText.objects.get(pk=texts[ETHICS, "en"].pk).body == "Our own code."


def test_load_agreements_into_every_association(association, other_association):
    out = io.StringIO()
    call_command("load_agreements", stdout=out)
    assert out.getvalue() == (
        "lakeshore: 4 agreement texts added.\nnorthfield: 4 agreement texts added.\n"
    )
    assert AgreementText.objects.filter(association=other_association).count() == 4


def test_load_agreements_unknown_association(association):
    with pytest.raises(CommandError, match="No association with slug: nowhere."):
        call_command("load_agreements", "--association", "nowhere", verbosity=0)


def test_load_agreements_rejects_a_bad_file(association, tmp_path):
    bad = tmp_path / "agreements.yaml"
    bad.write_text("texts:\n  - kind: privacy\n    version: 1\n    effective_from: 2025-01-01\n")
    with pytest.raises(CommandError, match="unknown kind 'privacy'"):
        call_command("load_agreements", "--file", str(bad), verbosity=0)


def test_shipped_file_reads():
    texts = agreements_data_read()
    assert [(t["kind"], sorted(t["body"])) for t in texts] == [
        ("code_of_ethics", ["en", "es"]),
        ("endorsement_agreement", ["en", "es"]),
    ]


# Which text is in force


def test_the_latest_version_in_force_in_the_reader_language(association, texts):
    AgreementText.objects.create(
        association=association,
        kind=ETHICS,
        version="2026",
        language="en",
        body="New code.",
        effective_from=datetime.date(2026, 1, 1),
    )
    AgreementText.objects.create(
        association=association,
        kind=ETHICS,
        version="2099",
        language="en",
        body="Future code.",
        effective_from=datetime.date(2099, 1, 1),
    )
    today = datetime.date(2026, 6, 1)
    spanish = agreement_texts_in_force(association=association, language="es", on=today)
    # Version 2026 has no Spanish text: the English one is shown, not the older Spanish one.
    assert spanish[ETHICS].body == "New code."
    assert spanish[AGREEMENT] == texts[AGREEMENT, "es"]
    english = agreement_texts_in_force(association=association, language="en", on=today)
    assert english == {ETHICS: spanish[ETHICS], AGREEMENT: texts[AGREEMENT, "en"]}
    earlier = agreement_texts_in_force(
        association=association, language="en", on=datetime.date(2025, 6, 1)
    )
    assert earlier[ETHICS] == texts[ETHICS, "en"]


def test_other_association_texts_are_not_used(association, other_association):
    call_command("load_agreements", "--association", other_association.slug, verbosity=0)
    current = agreement_texts_in_force(
        association=association, language="en", on=datetime.date(2026, 1, 1)
    )
    assert current == {}


@pytest.mark.parametrize(
    ("typed", "expected"), [("  ana   MARÍA applicant ", "ana maría applicant"), ("X", "x")]
)
def test_normalise_name(typed, expected):
    assert normalise_name(typed) == expected


# The page


def test_page_shows_both_texts_unsigned(client, applicant, application, texts):
    client.force_login(applicant)
    response = client.get(url(application))
    assert response.status_code == 200
    statuses = response.context["statuses"]
    assert [(s.kind, s.text, s.signature) for s in statuses] == [
        (ETHICS, texts[ETHICS, "en"], None),
        (AGREEMENT, texts[AGREEMENT, "en"], None),
    ]
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "SAMPLE TEXT: your association replaces this Code of Ethics with its own." in html
    assert html.count("Not signed yet.") == 2
    assert 'for="id_code_of_ethics-typed_name"' in html
    assert 'for="id_endorsement_agreement-typed_name"' in html
    assert "Version sample-2025, in force since Jan. 1, 2025." in html


def test_page_in_spanish(client, applicant, application, texts):
    applicant.preferred_language = "es"
    applicant.save(update_fields=["preferred_language"])
    client.force_login(applicant)
    response = client.get(url(application))
    assert [s.text for s in response.context["statuses"]] == [
        texts[ETHICS, "es"],
        texts[AGREEMENT, "es"],
    ]
    assert 'lang="es"' in response.content.decode()


def test_page_without_texts_says_so(client, applicant, application):
    client.force_login(applicant)
    response = client.get(url(application))
    html = response.content.decode()
    assert (
        "Northfield Association for Infant Mental Health has not published this text yet."
    ) in html
    assert "agreement-form" not in html


# Signing


def test_sign(client, applicant, application, texts):
    client.force_login(applicant)
    response = client.post(
        url(application),
        sign_data(texts[ETHICS, "en"], "  ana   maría APPLICANT "),
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 302
    assert response["Location"] == url(application)
    signature = Signature.objects.get()
    assert (
        signature.application,
        signature.agreement,
        signature.typed_name,
        signature.ip_address,
    ) == (application, texts[ETHICS, "en"], "ana maría APPLICANT", "203.0.113.9")
    assert messages_of(response) == ["You signed the Code of Ethics (version sample-2025)."]
    page = client.get(url(application))
    statuses = page.context["statuses"]
    assert [s.is_signed for s in statuses] == [True, False]
    html = page.content.decode()
    assert "Signed by ana maría APPLICANT on" in html
    assert html.count("agreement-form") == 1


def test_sign_in_spanish_counts_for_the_version(client, applicant, application, texts):
    client.force_login(applicant)
    client.post(url(application), sign_data(texts[AGREEMENT, "es"]))
    assert Signature.objects.get().agreement == texts[AGREEMENT, "es"]
    # The text in force in English is the same version: signed.
    english = agreement_statuses(application=application, language="en")
    assert [s.is_signed for s in english] == [False, True]


def test_sign_with_another_name_is_refused(client, applicant, application, texts):
    client.force_login(applicant)
    response = client.post(url(application), sign_data(texts[ETHICS, "en"], "Ana Applicant"))
    assert response.status_code == 200
    form = response.context["statuses"][0].form
    assert form.errors == {
        "typed_name": ["Type your full name exactly as it is on your account: Ana María Applicant."]
    }
    html = response.content.decode()
    assert 'value="Ana Applicant"' in html
    assert 'aria-invalid="true"' in html
    assert Signature.objects.count() == 0


def test_sign_with_an_empty_name_is_refused(client, applicant, application, texts):
    client.force_login(applicant)
    response = client.post(url(application), sign_data(texts[ETHICS, "en"], "  "))
    assert response.context["statuses"][0].form.errors == {
        "typed_name": ["This field is required."]
    }
    assert Signature.objects.count() == 0


def test_sign_without_a_name_on_the_account(client, applicant, application, texts):
    applicant.full_name = ""
    applicant.save(update_fields=["full_name"])
    client.force_login(applicant)
    response = client.post(url(application), sign_data(texts[ETHICS, "en"], "Ana"))
    assert response.context["statuses"][0].form.errors == {
        "typed_name": ["Your account has no full name yet. Add it to your profile, then sign."]
    }


def test_sign_a_text_no_longer_in_force(client, applicant, application, texts, association):
    AgreementText.objects.create(
        association=association,
        kind=ETHICS,
        version="2026",
        language="en",
        body="New code.",
        effective_from=datetime.date(2026, 1, 1),
    )
    client.force_login(applicant)
    response = client.post(url(application), sign_data(texts[ETHICS, "en"]))
    assert response.status_code == 200
    assert response.context["statuses"][0].form.non_field_errors() == [
        "The text changed while you were reading it. Read it below, then sign."
    ]
    assert Signature.objects.count() == 0


def test_sign_with_another_association_text_id_is_refused(
    client, applicant, application, texts, other_association
):
    call_command("load_agreements", "--association", other_association.slug, verbosity=0)
    foreign = AgreementText.objects.get(association=other_association, kind=ETHICS, language="en")
    client.force_login(applicant)
    response = client.post(url(application), sign_data(foreign))
    assert response.status_code == 200
    assert response.context["statuses"][0].form.non_field_errors() == [
        "The text changed while you were reading it. Read it below, then sign."
    ]
    assert Signature.objects.count() == 0


def test_sign_an_unknown_kind(client, applicant, application, texts):
    client.force_login(applicant)
    response = client.post(url(application), {"kind": "privacy"})
    assert response.status_code == 302
    assert messages_of(response) == ["There is no such text to sign."]
    assert Signature.objects.count() == 0


def test_sign_twice_keeps_one_signature(client, applicant, application, texts):
    client.force_login(applicant)
    client.post(url(application), sign_data(texts[ETHICS, "en"]))
    client.post(url(application), sign_data(texts[ETHICS, "es"]))
    assert Signature.objects.count() == 1


def test_a_new_version_asks_for_a_new_signature(client, applicant, application, texts):
    client.force_login(applicant)
    client.post(url(application), sign_data(texts[ETHICS, "en"]), follow=True)
    Signature.objects.update(signed_at=datetime.datetime(2025, 3, 1, 12, tzinfo=datetime.UTC))
    AgreementText.objects.create(
        association=application.association,
        kind=ETHICS,
        version="2026",
        language="en",
        body="New code.",
        effective_from=datetime.date(2026, 1, 1),
    )
    response = client.get(url(application))
    ethics = response.context["statuses"][0]
    assert (ethics.is_signed, ethics.earlier.agreement.version) == (False, "sample-2025")
    assert (
        "You signed version sample-2025 on March 1, 2025. A new version is in force: please "
        "read and sign it."
    ) in response.content.decode()


def test_read_only_portfolio_shows_but_refuses_signing(client, applicant, association, texts):
    category = EndorsementCategoryFactory(framework__association=association)
    submitted = ApplicationFactory(applicant=applicant, category=category, state=S.SUBMITTED)
    client.force_login(applicant)
    page = client.get(url(submitted))
    assert page.status_code == 200
    assert "agreement-form" not in page.content.decode()
    response = client.post(url(submitted), sign_data(texts[ETHICS, "en"]))
    assert response.status_code == 403
    assert Signature.objects.count() == 0


# The services refuse on their own too


def test_service_refuses_a_text_of_another_association(application, applicant, other_association):
    call_command("load_agreements", "--association", other_association.slug, verbosity=0)
    foreign = AgreementText.objects.filter(association=other_association).first()
    with pytest.raises(SignatureRefused, match="This text belongs to another association."):
        agreement_sign(
            application=application,
            agreement=foreign,
            by=applicant,
            typed_name=applicant.full_name,
            ip_address=None,
        )


def test_service_refuses_someone_else(application, texts):
    other = UserFactory(full_name="Other Person")
    with pytest.raises(SignatureRefused, match="Only the applicant may sign."):
        agreement_sign(
            application=application,
            agreement=texts[ETHICS, "en"],
            by=other,
            typed_name="Other Person",
            ip_address=None,
        )


def test_service_refuses_a_locked_portfolio(applicant, association, texts):
    category = EndorsementCategoryFactory(framework__association=association)
    submitted = ApplicationFactory(applicant=applicant, category=category, state=S.IN_REVIEW)
    with pytest.raises(PortfolioLocked):
        agreement_sign(
            application=submitted,
            agreement=texts[ETHICS, "en"],
            by=applicant,
            typed_name=applicant.full_name,
            ip_address="127.0.0.1",
        )


# Who may see and sign


def test_refused_to_another_applicant(client, application, texts):
    client.force_login(UserFactory())
    assert client.get(url(application)).status_code == 404
    assert client.post(url(application), sign_data(texts[ETHICS, "en"])).status_code == 404
    assert Signature.objects.count() == 0


def test_coordinator_of_the_association_may_read_not_sign(
    client, make_staff, association, application, texts
):
    client.force_login(make_staff(Role.COORDINATOR, association))
    page = client.get(url(application))
    assert page.status_code == 200
    assert "agreement-form" not in page.content.decode()
    assert client.post(url(application), sign_data(texts[ETHICS, "en"])).status_code == 404
    assert Signature.objects.count() == 0


def test_refused_to_a_coordinator_of_another_association(
    client, make_staff, other_association, application, texts
):
    client.force_login(make_staff(Role.COORDINATOR, other_association))
    assert client.get(url(application)).status_code == 404
    assert client.post(url(application), sign_data(texts[ETHICS, "en"])).status_code == 404


def test_anonymous_is_sent_to_log_in(client, application, texts):
    response = client.get(url(application))
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url(application)}"
    assert client.post(url(application), sign_data(texts[ETHICS, "en"])).status_code == 302
    assert Signature.objects.count() == 0


def test_query_count_is_constant(client, applicant, application, association, texts):
    """Older versions, each signed: the page costs the same with 1 or 9 of them."""

    def add_old_versions(count, start):
        for index in range(start, start + count):
            old = AgreementText.objects.create(
                association=association,
                kind=ETHICS,
                version=f"old-{index}",
                language="en",
                body="Old.",
                effective_from=datetime.date(2010 + index, 1, 1),
            )
            Signature.objects.create(application=application, agreement=old, typed_name="Ana")

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(url(application)).status_code == 200
        return len(context.captured_queries)

    client.force_login(applicant)
    add_old_versions(1, 0)
    few = count_queries()
    add_old_versions(8, 1)
    assert count_queries() == few
    # Session, user, staff-role check, application; texts in force, signatures; plus what the
    # requirement check beside the section costs.
    assert 6 <= few <= 15


# Admin


@pytest.fixture
def as_assoc_admin(client, association):
    admin = UserFactory(email="admin@northfield.example.org")
    role_grant(association=association, user=admin, role=Role.ASSOCIATION_ADMIN)
    TOTP.activate(admin, generate_totp_secret())
    client.force_login(admin)
    return client


def test_admin_lists_only_own_texts(as_assoc_admin, association, other_association, texts):
    call_command("load_agreements", "--association", other_association.slug, verbosity=0)
    response = as_assoc_admin.get("/admin/portfolios/agreementtext/")
    assert response.status_code == 200
    assert {t.association_id for t in response.context["cl"].result_list} == {association.pk}
    assert len(response.context["cl"].result_list) == 4
    foreign = AgreementText.objects.filter(association=other_association).first()
    assert as_assoc_admin.get(
        f"/admin/portfolios/agreementtext/{foreign.pk}/change/"
    ).status_code in (
        302,
        403,
        404,
    )


def test_admin_edits_an_unsigned_text(as_assoc_admin, association, texts):
    text = texts[ETHICS, "en"]
    response = as_assoc_admin.post(
        f"/admin/portfolios/agreementtext/{text.pk}/change/",
        {
            "association": association.pk,
            "kind": ETHICS,
            "version": "sample-2025",
            "language": "en",
            "effective_from": "2025-01-01",
            "body": "Our own code of ethics.",
        },
    )
    assert response.status_code == 302
    assert AgreementText.objects.get(pk=text.pk).body == "Our own code of ethics."


def test_admin_keeps_a_signed_text_unchanged(as_assoc_admin, application, texts):
    text = texts[ETHICS, "en"]
    Signature.objects.create(application=application, agreement=text, typed_name="Ana")
    response = as_assoc_admin.get(f"/admin/portfolios/agreementtext/{text.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="body"' not in html
    assert "This version has been signed, so it cannot be changed." in html
    delete = as_assoc_admin.get(f"/admin/portfolios/agreementtext/{text.pk}/delete/")
    assert delete.status_code == 403


def test_admin_signatures_are_read_only_and_scoped(
    as_assoc_admin, application, texts, other_association
):
    mine = Signature.objects.create(
        application=application, agreement=texts[ETHICS, "en"], typed_name="Ana"
    )
    call_command("load_agreements", "--association", other_association.slug, verbosity=0)
    other_category = EndorsementCategoryFactory(framework__association=other_association)
    other_application = ApplicationFactory(category=other_category)
    Signature.objects.create(
        application=other_application,
        agreement=AgreementText.objects.filter(association=other_association).first(),
        typed_name="Someone",
    )
    response = as_assoc_admin.get("/admin/portfolios/signature/")
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [mine]
    assert as_assoc_admin.get("/admin/portfolios/signature/add/").status_code == 403
    change = as_assoc_admin.get(f"/admin/portfolios/signature/{mine.pk}/change/")
    assert change.status_code == 200
    assert 'name="typed_name"' not in change.content.decode()


def test_behind_a_proxy_the_signature_records_the_clients_address(
    client, applicant, application, texts, settings
):
    """The address the trusted proxy saw (``accounts.rate_limits.client_address``), not the
    proxy's own nor one the client wrote in front of it."""
    settings.TRUSTED_PROXY_COUNT = 1
    client.force_login(applicant)
    response = client.post(
        url(application),
        sign_data(texts[ETHICS, "en"], "  ana   maría APPLICANT "),
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9",
    )
    assert response.status_code == 302
    assert Signature.objects.get().ip_address == "203.0.113.9"
