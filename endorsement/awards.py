"""The award: the coordinator's last step creates the Endorsement.

Numbers read ``<association prefix>-<category code>-<year>-<NNNN>``, e.g. NFAIMH-IMHS-2026-0042:
NNNN counts the association's awards of that year, across categories, from 0001 (five digits
after 9999). The association's row is locked while the number is chosen, so two awards at
once get consecutive numbers; the database refuses a duplicate anyway.

An application for another category (``ApplicationPurpose.ADDED_CATEGORY``) supersedes the
endorsement it names (``prior_endorsement``) once awarded, through the lifecycle's writer as the
portal (``endorsement_supersede_by``).

Validity follows the membership year (``accounts.models.membership_period``): an endorsement
awarded on a date is valid through 31 December of that year, or of the next year when awarded
on or after 1 October (``MEMBERSHIP_NEXT_YEAR_FROM``), so nobody renews a few weeks after the
award. Dates are the association's own (``Association.today``).
"""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Association, User, membership_period
from endorsement.enums import ApplicationPurpose
from endorsement.lifecycle import EndorsementTransitionRefused, endorsement_transition
from endorsement.models import Application, Endorsement
from endorsement.services import TransitionNotAllowed, application_transition

# What follows an award once it is committed (e.g. ``credentials`` produces the certificate):
# functions ``fn(endorsement)`` registered by later apps in their ``AppConfig.ready``.
ON_AWARD: list = []


def register_on_award(function):
    """Call ``function(endorsement)`` after each award, once its transaction commits."""
    if function not in ON_AWARD:
        ON_AWARD.append(function)
    return function


def _awarded(endorsement: Endorsement) -> None:
    for function in ON_AWARD:
        function(endorsement)


def endorsement_valid_through(awarded_on: datetime.date) -> datetime.date:
    """31 December of the award year; of the next year when awarded from 1 October."""
    _start, end = membership_period(awarded_on)
    return end


def endorsement_number_next(*, association: Association, category_code: str, year: int) -> str:
    """The next number of the association in ``year``; call with the association row locked."""
    numbers = Endorsement.objects.filter(
        association=association, awarded_on__year=year
    ).values_list("number", flat=True)
    last = 0
    for number in numbers:
        tail = number.rsplit("-", 1)[-1]
        if tail.isdigit():
            last = max(last, int(tail))
    return f"{association.number_prefix}-{category_code}-{year}-{last + 1:04d}"


@transaction.atomic
def endorsement_award(*, application: Application, by: User) -> Endorsement:
    """The coordinator awards the endorsement: the application becomes "awarded" and its
    Endorsement is created in the same transaction; the step's e-mail tells the applicant the
    number and the date once committed.

    Refused (``TransitionNotAllowed``, nothing written) unless ``by`` coordinates the
    application's association and the application is approved (categories without an exam)
    or has passed the exam.
    """
    if by is None:
        raise TransitionNotAllowed(_("You may not take this step on this application."))
    association = Association.objects.select_for_update().get(pk=application.association_id)
    awarded_on = association.today()
    valid_through = endorsement_valid_through(awarded_on)
    number = endorsement_number_next(
        association=association, category_code=application.category.code, year=awarded_on.year
    )
    application = application_transition(
        application=application,
        action="award",
        by=by,
        note_key="award",
        note_values={"number": number, "date": valid_through},
        email_values={"endorsement_number": number, "valid_through": valid_through},
    )
    endorsement = Endorsement.objects.create(
        association=association,
        application=application,
        holder_id=application.applicant_id,
        category_id=application.category_id,
        number=number,
        awarded_on=awarded_on,
        valid_through=valid_through,
    )
    if (
        application.purpose == ApplicationPurpose.ADDED_CATEGORY
        and application.prior_endorsement_id
    ):
        endorsement_supersede_by(endorsement_id=application.prior_endorsement_id, new=endorsement)
    transaction.on_commit(lambda: _awarded(endorsement))
    return endorsement


def endorsement_supersede_by(*, endorsement_id: int, new: Endorsement) -> bool:
    """The holder's earlier endorsement is superseded by ``new`` (another category), through
    the lifecycle's writer as the portal. An endorsement revoked or transferred meanwhile keeps
    that standing (nothing written; False)."""
    try:
        with transaction.atomic():
            endorsement_transition(
                endorsement=Endorsement(pk=endorsement_id),
                action="supersede",
                by=None,
                continued_by=new,
                note_key="endorsement_supersede",
                note_values={"number": new.number},
            )
    except EndorsementTransitionRefused:
        return False
    return True
