"""Every write to a portfolio: evidence saved, deleted, restored; drafts; history."""

from django.core import serializers
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from endorsement.enums import BUILDING_STATES
from endorsement.models import Application
from endorsement.services import application_touch
from portfolios.models import EvidenceChange, FormDraft


class PortfolioLocked(Exception):
    """The portfolio is submitted: read-only until it is returned for revision."""


def portfolio_assert_editable(*, application: Application) -> None:
    if application.state not in BUILDING_STATES:
        raise PortfolioLocked(
            _("Your portfolio cannot be changed now (status: “%(state)s”).")
            % {"state": application.state_for_applicant}
        )


def evidence_snapshot(instance) -> dict:
    data = serializers.serialize("python", [instance])[0]["fields"]
    return {key: str(value) if value is not None else None for key, value in data.items()}


def evidence_history_record(*, application: Application, instance, action: str, before, by) -> None:
    """Changes after the first submission are kept as history."""
    if application.submitted_at is None:
        return
    EvidenceChange.objects.create(
        application=application,
        section=instance._meta.model_name,
        object_id=instance.pk,
        action=action,
        before=before,
        after=None if action == "deleted" else evidence_snapshot(instance),
        by=by,
    )


@transaction.atomic
def evidence_save(*, application: Application, instance, by, save_m2m=None, draft_key=""):
    """Create or update one evidence row (of any section) of an editable portfolio."""
    portfolio_assert_editable(application=application)
    creating = instance.pk is None
    before = None if creating else evidence_snapshot(type(instance).objects.get(pk=instance.pk))
    instance.application = application
    instance.save()
    if save_m2m is not None:
        save_m2m()
    evidence_history_record(
        application=application,
        instance=instance,
        action="created" if creating else "changed",
        before=before,
        by=by,
    )
    if draft_key:
        draft_clear(application=application, key=draft_key)
    application_touch(application=application)
    return instance


@transaction.atomic
def evidence_delete(*, application: Application, instance, by) -> None:
    """Mark as deleted; it can be restored until the portfolio is submitted."""
    portfolio_assert_editable(application=application)
    before = evidence_snapshot(instance)
    instance.deleted_at = timezone.now()
    instance.save(update_fields=["deleted_at"])
    evidence_history_record(
        application=application, instance=instance, action="deleted", before=before, by=by
    )
    application_touch(application=application)


@transaction.atomic
def evidence_restore(*, application: Application, instance, by) -> None:
    portfolio_assert_editable(application=application)
    instance.deleted_at = None
    instance.save(update_fields=["deleted_at"])
    evidence_history_record(
        application=application, instance=instance, action="restored", before=None, by=by
    )


def draft_save(*, application: Application, key: str, data: dict) -> FormDraft:
    portfolio_assert_editable(application=application)
    draft, _created = FormDraft.objects.update_or_create(
        application=application, key=key, defaults={"data": data}
    )
    return draft


def draft_get(*, application: Application, key: str) -> dict | None:
    draft = FormDraft.objects.filter(application=application, key=key).first()
    return draft.data if draft else None


def draft_clear(*, application: Application, key: str) -> None:
    FormDraft.objects.filter(application=application, key=key).delete()


@transaction.atomic
def education_set_transcript_status(*, education, status: str, by):
    """The coordinator's mark on a transcript, e.g. "official transcript received".

    Allowed in any state of the portfolio (the check happens while it is reviewed); kept in the
    history once the portfolio has been submitted. The caller checks
    ``portfolios.verify_evidence``.
    """
    from portfolios.enums import TranscriptStatus

    if status not in TranscriptStatus.values:
        raise ValueError(f"Unknown transcript status: {status!r}")
    if education.transcript_status == status:
        return education
    before = evidence_snapshot(education)
    education.transcript_status = status
    education.save(update_fields=["transcript_status", "updated"])
    evidence_history_record(
        application=education.application,
        instance=education,
        action="transcript_status",
        before=before,
        by=by,
    )
    return education
