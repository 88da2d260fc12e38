"""The person who sent proof of membership of another association hears the coordinator's
decision by e-mail, in their language, with the link to their page of proofs (issue 13,
item 1)."""

import datetime

import pytest
from django.conf import settings

from billing.membership_proofs import membership_proof_confirm, membership_proof_refuse
from notifications.models import OutboxMessage
from tests.billing.test_membership_proof import send

pytestmark = pytest.mark.django_db

PAGE = settings.SITE_URL.rstrip("/") + "/billing/membership/northfield/proof/"


@pytest.fixture
def proof(association, applicant):
    applicant.preferred_language = "es"
    applicant.save(update_fields=["preferred_language"])
    return send(applicant, association, end=datetime.date(2099, 3, 31))


def test_a_confirmed_proof_is_told_to_the_member_in_their_language(proof, coordinator, applicant):
    membership_proof_confirm(proof=proof, by=coordinator)

    (row,) = OutboxMessage.objects.all()
    assert (
        row.key,
        row.recipient,
        row.recipient_user,
        row.language,
        row.association.slug,
        row.url,
        row.concerns,
        row.subject,
    ) == (
        "membership_proof_confirmed",
        "ana@example.org",
        applicant,
        "es",
        "northfield",
        PAGE,
        proof,
        "Su prueba de membresía está confirmada",
    )
    assert row.text_body == (
        "Estimado/a Ana Applicant:\n\n"
        "Northfield Association for Infant Mental Health confirmó su prueba de membresía de "
        "Lakeshore AIMH: cuenta como su membresía de Northfield Association for Infant Mental "
        "Health hasta el 31 de marzo de 2099.\n\n"
        f"Sus pruebas de membresía:\n{PAGE}\n\n"
        "¿Tiene preguntas? Escriba a office@northfield.example.org.\n"
    )


def test_a_refused_proof_is_told_with_the_reason(proof, coordinator, applicant):
    applicant.preferred_language = "en"
    applicant.save(update_fields=["preferred_language"])

    membership_proof_refuse(proof=proof, by=coordinator, reason="The card has expired.")

    (row,) = OutboxMessage.objects.all()
    assert (row.key, row.recipient, row.language, row.url, row.subject) == (
        "membership_proof_refused",
        "ana@example.org",
        "en",
        PAGE,
        "Your proof of membership was not accepted",
    )
    assert "The reason:\nThe card has expired.\n" in row.text_body
    assert f"become a member of the association, from this page:\n{PAGE}\n" in row.text_body
