"""The e-mails of the decisions about an endorsement that is not an application's step: a
reinstatement approved, a transfer asked for and decided, an add-on decided. Each is an outbox
row for the right person, in their language, from the association that decided, with the link
to the page it concerns (issue 13, item 1)."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail

from accounts.enums import Role
from endorsement.addons import add_on_apply, add_on_decide
from endorsement.continuations import reinstatement_approve
from endorsement.enums import ApplicationPurpose, ApplicationState
from endorsement.enums import EndorsementStatus as E
from endorsement.models import AddOn
from endorsement.transfers import (
    endorsement_transfer_accept,
    endorsement_transfer_refuse,
    endorsement_transfer_request,
)
from notifications.enums import MessageState
from notifications.models import OutboxMessage
from tests.factories import (
    ApplicationFactory,
    EndorsementCategoryFactory,
    EndorsementFactory,
    UserFactory,
    endorsement_status_set,
)

pytestmark = pytest.mark.usefixtures("only_the_workflow")

SITE = settings.SITE_URL.rstrip("/")
NUMBER = "NORTHFIELD-IFS-2025-0007"


def rows(key):
    return list(OutboxMessage.objects.filter(key=key).order_by("recipient"))


@pytest.fixture
def holder(db):
    return UserFactory(email="farah@example.org", full_name="Farah Holder", preferred_language="es")


@pytest.fixture
def endorsement(category, holder):
    return EndorsementFactory(
        application__applicant=holder,
        category=category,
        number=NUMBER,
        awarded_on=datetime.date(2025, 3, 2),
        valid_through=datetime.date(2026, 12, 31),
    )


# --- A reinstatement ----------------------------------------------------------------------------


def test_the_holder_hears_their_endorsement_is_active_again(
    endorsement, holder, coordinator, category, django_capture_on_commit_callbacks
):
    endorsement_status_set(endorsement, E.LAPSED)
    application = ApplicationFactory(
        category=category,
        applicant=holder,
        state=ApplicationState.SUBMITTED,
        purpose=ApplicationPurpose.REINSTATEMENT,
        prior_endorsement=endorsement,
    )

    with django_capture_on_commit_callbacks(execute=True):
        reinstated = reinstatement_approve(application=application, by=coordinator)

    (row,) = rows("reinstatement_approved")
    assert (
        row.recipient,
        row.recipient_user,
        row.language,
        row.association.slug,
        row.subject,
        row.url,
        row.state,
    ) == (
        "farah@example.org",
        holder,
        "es",
        "northfield",
        f"Su endoso {NUMBER} vuelve a estar activo",
        f"{SITE}/dashboard/applicant/",
        MessageState.SENT,
    )
    through = reinstated.valid_through
    assert (
        f"vuelve a estar activo con el mismo número, vigente hasta el {through.day} de "
    ) in row.text_body
    assert f"Su panel muestra su endoso y su certificado:\n{SITE}/dashboard/applicant/\n" in (
        row.text_body
    )
    assert [m.to for m in mail.outbox] == [["farah@example.org"]]


# --- A transfer ---------------------------------------------------------------------------------


@pytest.fixture
def lakeshore_ifs(other_association):
    return EndorsementCategoryFactory(
        framework__association=other_association, code="IFS", name="Infant Family Specialist"
    )


@pytest.fixture
def receiving(make_staff, other_association):
    """Lakeshore's coordinator, who reads Spanish."""
    return make_staff(
        Role.COORDINATOR,
        other_association,
        user__email="lee@example.org",
        user__full_name="Lee Receiver",
        user__preferred_language="es",
    )


@pytest.fixture
def asked(endorsement, other_association, lakeshore_ifs, receiving, coordinator, holder):
    return endorsement_transfer_request(
        endorsement=endorsement,
        to_association=other_association,
        by=holder,
        reason="Me mudo por un trabajo nuevo.",
        moving_on=datetime.date(2026, 6, 1),
    )


def test_the_receiving_coordinators_hear_of_the_request(asked, receiving):
    # Northfield's coordinator (the sending association) is not asked to decide.
    (row,) = rows("transfer_requested.coordinator")
    assert (row.recipient, row.recipient_user, row.language, row.association.slug, row.url) == (
        "lee@example.org",
        receiving,
        "es",
        "lakeshore",
        f"{SITE}/coordinator/transfers/{asked.pk}/",
    )
    assert row.subject == f"Solicitud de transferencia: Farah Holder, endoso {NUMBER}"
    assert row.concerns == asked
    assert row.text_body == (
        "Estimado/a Lee Receiver:\n\n"
        f"Farah Holder pide transferir su endoso {NUMBER} "
        "(Infant Family Specialist (IFS)) de Northfield Association for Infant Mental Health a "
        "Lakeshore Association for Infant and Early Childhood Mental Health.\n\n"
        "Se muda el 1 de junio de 2026.\n\n"
        "Por qué se muda:\nMe mudo por un trabajo nuevo.\n\n"
        "Acepte o rechace la solicitud en su página:\n"
        f"{SITE}/coordinator/transfers/{asked.pk}/\n"
    )


def test_the_holder_hears_the_transfer_is_accepted_with_the_new_number(asked, receiving, holder):
    new = endorsement_transfer_accept(transfer=asked, by=receiving)

    (row,) = rows("transfer_accepted")
    assert (row.recipient, row.recipient_user, row.language, row.association.slug, row.url) == (
        "farah@example.org",
        holder,
        "es",
        "lakeshore",
        f"{SITE}/coordinator/transfers/{asked.pk}/",
    )
    assert row.subject == (
        "Su endoso fue transferido a "
        "Lakeshore Association for Infant and Early Childhood Mental Health"
    )
    assert f"Continúa con el número {new.number}, con la misma fecha" in row.text_body
    assert f"el número {NUMBER} de Northfield" in row.text_body


def test_the_holder_hears_the_transfer_is_refused_with_the_reason(asked, receiving, holder):
    holder.preferred_language = "en"
    holder.save(update_fields=["preferred_language"])

    endorsement_transfer_refuse(transfer=asked, by=receiving, reason="We need a letter first.")

    (row,) = rows("transfer_refused")
    assert (row.recipient, row.language, row.url) == (
        "farah@example.org",
        "en",
        f"{SITE}/coordinator/transfers/{asked.pk}/",
    )
    assert row.subject == (
        "Your transfer to Lakeshore Association for Infant and Early Childhood Mental Health "
        "was not accepted"
    )
    assert "The reason:\nWe need a letter first.\n" in row.text_body
    assert rows("transfer_accepted") == []


# --- An add-on ----------------------------------------------------------------------------------


@pytest.fixture
def holding(association, endorsement):
    add_on = AddOn.objects.create(
        association=association,
        code="ers",
        name="Endorsed Reflective Supervisor",
        names={"es": "Supervisor/a Reflexivo/a Endosado/a"},
        category_codes=["IFS"],
        min_rsc_provided_hours=Decimal("24"),
    )
    return add_on_apply(
        endorsement=endorsement,
        add_on=add_on,
        by=endorsement.holder,
        rsc_provided_hours=Decimal("30"),
    )


def test_the_holder_hears_the_add_on_is_approved(holding, coordinator, holder):
    add_on_decide(holding=holding, by=coordinator, approve=True)

    (row,) = rows("add_on_approved")
    assert (row.recipient, row.recipient_user, row.language, row.association.slug, row.url) == (
        "farah@example.org",
        holder,
        "es",
        "northfield",
        f"{SITE}/portfolio/add-ons/{holding.pk}/",
    )
    assert row.subject == "Designación adicional aprobada: Supervisor/a Reflexivo/a Endosado/a"
    assert (
        "aprobó la designación adicional Supervisor/a Reflexivo/a Endosado/a de su endoso "
        f"{NUMBER} (Infant Family Specialist (IFS)). Está vigente hasta el 31 de diciembre de 2026"
    ) in row.text_body
    assert rows("add_on_refused") == []


def test_the_holder_hears_the_add_on_is_refused_with_the_reason(holding, coordinator):
    add_on_decide(holding=holding, by=coordinator, approve=False, note="Falta la carta.")

    (row,) = rows("add_on_refused")
    assert (row.recipient, row.language, row.url) == (
        "farah@example.org",
        "es",
        f"{SITE}/portfolio/add-ons/{holding.pk}/",
    )
    assert row.subject == "Designación adicional no aprobada: Supervisor/a Reflexivo/a Endosado/a"
    assert "El motivo:\nFalta la carta.\n" in row.text_body
