"""People: the association admin's staff — invitations, roles, deactivation — and its log.

The rules, in plain words:

* Inviting an address that has no account with a password creates a ``StaffInvitation``: a
  random token (``secrets.token_urlsafe``) of which only the SHA-256 is kept, sent in the e-mail
  as the link ``/people/join/<token>/``. The link works once, until ``expires``
  (``INVITATION_DAYS`` days); sending it again makes a new link and the old one stops working;
  cancelling it stops it. Opening it, the person chooses their password: the account is created
  (or the one without a password is used), the address counts as verified (the link came to
  it), the roles are granted and the person is logged in; the portal then makes them set up an
  authenticator app before anything else (``RequireMFAForStaffRolesMiddleware``).
* Inviting someone who already has an account gives them the roles at once and tells them by
  e-mail; there is no link.
* Deactivating a person ends their access to this association's staff pages: every role they
  hold here is taken away and remembered (``StaffDeactivation``), to be given back on
  reactivation. The account itself stays active (``User.is_active`` is left alone): the same
  person may hold roles in another association, or be an applicant or an endorsement holder
  here, and one association's admin must not lock them out of those. Only the platform admin
  disables an account, in the admin site.
* An admin never takes away their own association-admin role here, nor deactivates themselves:
  another admin (or the platform admin) must, so an association is not left without an admin
  by a slip.
* Every change is a ``StaffChange`` row (who, what, to whom, when), which the admin reads on the
  People page.
"""

import datetime
import hashlib
import secrets
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.emails import email_on_commit
from accounts.enums import Role, StaffChangeAction
from accounts.models import (
    Association,
    RoleGrant,
    StaffChange,
    StaffDeactivation,
    StaffInvitation,
    User,
)
from accounts.services import role_grant, role_revoke

INVITATION_DAYS = 14
# The roles the People page gives, in the order it lists them.
STAFF_ROLES = [
    Role.ADVISOR,
    Role.REVIEWER,
    Role.EXAM_GRADER,
    Role.COORDINATOR,
    Role.ASSOCIATION_ADMIN,
]

LINK_USED = "used"
LINK_EXPIRED = "expired"
LINK_CANCELLED = "cancelled"
# The address's account was disabled by the platform admin.
LINK_DISABLED = "disabled"


class PeopleError(ValidationError):
    """A change the rules refuse, with the sentence that says why."""


# --- tokens and links ---------------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def invitation_url(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        "accounts:invitation.accept", kwargs={"token": token}
    )


def invitation_for_token(*, token: str) -> StaffInvitation | None:
    """The invitation whose link this is, looked up by the token's hash (never the token)."""
    if not token or len(token) > 100:
        return None
    return (
        StaffInvitation.objects.select_related("association", "invited_by")
        .filter(token_hash=token_hash(token))
        .first()
    )


def invitation_link_problem(
    *, invitation: StaffInvitation, now: datetime.datetime | None = None
) -> str:
    """Why the link can no longer be used ("" when it can)."""
    if invitation.accepted_at is not None:
        return LINK_USED
    if invitation.cancelled_at is not None:
        return LINK_CANCELLED
    if invitation.is_expired(now):
        return LINK_EXPIRED
    return ""


# --- reads --------------------------------------------------------------------------------------


def _role_labels(roles) -> str:
    return ", ".join(str(Role(role).label) for role in STAFF_ROLES if role in roles)


def staff_people(*, association: Association, search: str = "", role: str = "") -> QuerySet:
    """The people holding a role in the association or deactivated there, by name, each with
    ``association_roles`` (their grants here) and ``deactivations`` (empty when active);
    ``role`` keeps those holding it now."""
    grants = RoleGrant.objects.filter(association=association)
    deactivations = StaffDeactivation.objects.filter(association=association)
    people = User.objects.filter(
        Exists(grants.filter(user=OuterRef("pk")))
        | Exists(deactivations.filter(user=OuterRef("pk")))
    )
    if search:
        people = people.filter(Q(full_name__icontains=search) | Q(email__icontains=search))
    if role:
        people = people.filter(Exists(grants.filter(user=OuterRef("pk"), role=role)))
    return people.order_by("full_name", "email").prefetch_related(
        Prefetch("role_grants", queryset=grants.order_by("role"), to_attr="association_roles"),
        Prefetch("staff_deactivations", queryset=deactivations, to_attr="deactivations"),
    )


def staff_person(*, association: Association, user_id: int) -> User | None:
    """One of ``staff_people`` (None for anyone else: another association's person)."""
    return staff_people(association=association).filter(pk=user_id).first()


def person_roles(person: User) -> list[str]:
    """The roles a person of ``staff_people`` holds in the association."""
    return [grant.role for grant in person.association_roles]


def person_deactivation(person: User) -> StaffDeactivation | None:
    return person.deactivations[0] if person.deactivations else None


def open_invitations(*, association: Association) -> QuerySet[StaffInvitation]:
    """Invitations neither accepted nor cancelled (expired ones too: they may be sent again)."""
    return StaffInvitation.objects.filter(
        association=association, accepted_at__isnull=True, cancelled_at__isnull=True
    ).order_by("email")


def staff_changes(*, association: Association, user: User | None = None) -> QuerySet:
    changes = StaffChange.objects.filter(association=association).select_related("actor")
    if user is not None:
        changes = changes.filter(user=user)
    return changes.order_by("-at", "-id")


# --- writes -------------------------------------------------------------------------------------


def staff_change_record(
    *, association: Association, by: User | None, action: str, email: str, user=None, roles=()
) -> StaffChange:
    """Add a row to the association's staff log (the admin site's role grants write here too)."""
    return StaffChange.objects.create(
        association=association,
        actor=by,
        user=user,
        email=email,
        action=action,
        roles=[role for role in STAFF_ROLES if role in roles],
    )


def _association_date(moment: datetime.datetime, association: Association) -> datetime.date:
    return timezone.localtime(moment, zoneinfo.ZoneInfo(association.time_zone)).date()


def _send_invitation(*, invitation: StaffInvitation, token: str, is_new_link: bool) -> None:
    association = invitation.association
    email_on_commit(
        association=association,
        key="staff_invitation",
        to=invitation.email,
        language=invitation.language,
        context={
            "recipient": invitation.full_name,
            "association": association.name,
            "roles": _RolesInLanguage(invitation.roles),
            "invited_by": invitation.invited_by.get_full_name() if invitation.invited_by else "",
            "deadline": _association_date(invitation.expires, association),
            "link": invitation_url(token),
            "is_new_link": is_new_link,
        },
        reply_to=association.contact_email,
    )


class _RolesInLanguage:
    """The role names, written in the language active when the e-mail is rendered."""

    def __init__(self, roles):
        self.roles = list(roles)

    def __str__(self):
        return _role_labels(self.roles)


def _usable_account(email: str) -> User | None:
    """The account of ``email`` when its owner can log in (it has a password)."""
    user = User.objects.filter(email__iexact=email).first()
    if user is not None and user.has_usable_password():
        return user
    return None


def _check_not_held(*, association: Association, user: User | None, roles) -> None:
    if user is None:
        return
    held = set(
        RoleGrant.objects.filter(association=association, user=user).values_list("role", flat=True)
    )
    already = [role for role in STAFF_ROLES if role in held and role in roles]
    if already:
        raise PeopleError(
            _("%(person)s already holds this role here: %(roles)s.")
            % {"person": user.get_full_name(), "roles": _role_labels(already)}
        )


@transaction.atomic
def staff_invite(
    *,
    association: Association,
    email: str,
    roles: list[str],
    by: User,
    full_name: str = "",
    language: str = "en",
) -> StaffInvitation | None:
    """Invite ``email`` with ``roles``: an invitation with a link for someone without an account
    (returned), or the roles at once and an e-mail for someone with one (None)."""
    email = User.objects.normalize_email(email).strip().lower()
    roles = [Role(role) for role in STAFF_ROLES if role in roles]
    if not roles:
        raise PeopleError(_("Choose at least one role."))
    _check_not_held(
        association=association,
        user=User.objects.filter(email__iexact=email).first(),
        roles=roles,
    )
    user = _usable_account(email)
    if user is not None:
        deactivation = StaffDeactivation.objects.filter(association=association, user=user)
        if deactivation.exists():
            deactivation.delete()
            staff_change_record(
                association=association,
                by=by,
                action=StaffChangeAction.REACTIVATED,
                email=user.email,
                user=user,
            )
        for role in roles:
            role_grant(association=association, user=user, role=role, by=by)
        staff_change_record(
            association=association,
            by=by,
            action=StaffChangeAction.ROLES_ADDED,
            email=user.email,
            user=user,
            roles=roles,
        )
        email_on_commit(
            association=association,
            key="staff_roles_given",
            to=user.email,
            language=user.preferred_language or settings.LANGUAGE_CODE,
            context={
                "recipient": user.get_full_name(),
                "association": association.name,
                "roles": _RolesInLanguage(roles),
                "invited_by": by.get_full_name(),
                "link": settings.SITE_URL.rstrip("/") + reverse("account_login"),
            },
            reply_to=association.contact_email,
        )
        return None
    if open_invitations(association=association).filter(email=email).exists():
        raise PeopleError(
            _("An invitation to %(email)s is already waiting: send it again instead.")
            % {"email": email}
        )
    token, hashed = _new_token()
    now = timezone.now()
    invitation = StaffInvitation.objects.create(
        association=association,
        email=email,
        full_name=full_name.strip(),
        language=language,
        roles=[str(role) for role in roles],
        token_hash=hashed,
        expires=now + datetime.timedelta(days=INVITATION_DAYS),
        invited_by=by,
        sent_at=now,
    )
    staff_change_record(
        association=association,
        by=by,
        action=StaffChangeAction.INVITED,
        email=email,
        user=User.objects.filter(email__iexact=email).first(),
        roles=roles,
    )
    _send_invitation(invitation=invitation, token=token, is_new_link=False)
    return invitation


def _lock_open(invitation: StaffInvitation) -> StaffInvitation:
    locked = (
        StaffInvitation.objects.select_for_update()
        .select_related("association")
        .get(pk=invitation.pk)
    )
    if not locked.is_open:
        raise PeopleError(_("This invitation was already accepted or cancelled."))
    return locked


@transaction.atomic
def staff_invitation_resend(*, invitation: StaffInvitation, by: User) -> StaffInvitation:
    """A new link with a new deadline; the old link stops working."""
    locked = _lock_open(invitation)
    token, hashed = _new_token()
    now = timezone.now()
    locked.token_hash = hashed
    locked.expires = now + datetime.timedelta(days=INVITATION_DAYS)
    locked.sent_at = now
    locked.save(update_fields=["token_hash", "expires", "sent_at"])
    staff_change_record(
        association=locked.association,
        by=by,
        action=StaffChangeAction.INVITATION_RESENT,
        email=locked.email,
        roles=locked.roles,
    )
    locked.invited_by = locked.invited_by or by
    _send_invitation(invitation=locked, token=token, is_new_link=True)
    return locked


@transaction.atomic
def staff_invitation_cancel(*, invitation: StaffInvitation, by: User) -> None:
    locked = _lock_open(invitation)
    locked.cancelled_at = timezone.now()
    locked.save(update_fields=["cancelled_at"])
    staff_change_record(
        association=locked.association,
        by=by,
        action=StaffChangeAction.INVITATION_CANCELLED,
        email=locked.email,
        roles=locked.roles,
    )


@transaction.atomic
def staff_invitation_accept(
    *, invitation: StaffInvitation, password: str, full_name: str = ""
) -> User:
    """The invitee chose their password: the account (created if need be, its address
    verified), the roles, the invitation used up."""
    from allauth.account.models import EmailAddress

    locked = StaffInvitation.objects.select_for_update().get(pk=invitation.pk)
    problem = invitation_link_problem(invitation=locked)
    if problem:
        raise PeopleError(problem)
    association = invitation.association
    user = User.objects.filter(email__iexact=locked.email).first()
    if user is None:
        user = User.objects.create_user(
            email=locked.email,
            password=password,
            full_name=full_name.strip() or locked.full_name,
            preferred_language=locked.language,
        )
    elif not user.is_active:
        raise PeopleError(LINK_DISABLED)
    else:
        user.set_password(password)
        if full_name.strip():
            user.full_name = full_name.strip()
        user.save()
    EmailAddress.objects.filter(user=user).exclude(email__iexact=user.email).update(primary=False)
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    StaffDeactivation.objects.filter(association=association, user=user).delete()
    for role in locked.roles:
        role_grant(association=association, user=user, role=role, by=locked.invited_by)
    locked.accepted_at = timezone.now()
    locked.save(update_fields=["accepted_at"])
    staff_change_record(
        association=association,
        by=user,
        action=StaffChangeAction.INVITATION_ACCEPTED,
        email=user.email,
        user=user,
        roles=locked.roles,
    )
    return user


def _refuse_own_admin(*, association: Association, person: User, by: User) -> None:
    if person.pk == by.pk and not by.is_superuser:
        raise PeopleError(
            _(
                "You cannot take away your own association-admin role: ask another admin of "
                "%(association)s or the platform admin."
            )
            % {"association": association.name}
        )


@transaction.atomic
def staff_roles_set(
    *, association: Association, person: User, roles: list[str], by: User
) -> tuple[list[str], list[str]]:
    """Make ``roles`` the person's roles in the association: (added, removed)."""
    if StaffDeactivation.objects.filter(association=association, user=person).exists():
        raise PeopleError(_("This person is deactivated here: reactivate them first."))
    wanted = {Role(role) for role in roles}
    if not wanted:
        raise PeopleError(
            _("Keep at least one role, or deactivate the person to take them all away.")
        )
    held = set(
        RoleGrant.objects.filter(association=association, user=person).values_list(
            "role", flat=True
        )
    )
    added = [role for role in STAFF_ROLES if role in wanted and role not in held]
    removed = [role for role in STAFF_ROLES if role in held and role not in wanted]
    if Role.ASSOCIATION_ADMIN in removed:
        _refuse_own_admin(association=association, person=person, by=by)
    for role in added:
        role_grant(association=association, user=person, role=role, by=by)
    for role in removed:
        role_revoke(association=association, user=person, role=role)
    if added:
        staff_change_record(
            association=association,
            by=by,
            action=StaffChangeAction.ROLES_ADDED,
            email=person.email,
            user=person,
            roles=added,
        )
    if removed:
        staff_change_record(
            association=association,
            by=by,
            action=StaffChangeAction.ROLES_REMOVED,
            email=person.email,
            user=person,
            roles=removed,
        )
    return [str(role) for role in added], [str(role) for role in removed]


@transaction.atomic
def staff_deactivate(*, association: Association, person: User, by: User) -> StaffDeactivation:
    """Take away every role the person holds in the association, remembering them."""
    if person.pk == by.pk and not by.is_superuser:
        raise PeopleError(
            _("You cannot deactivate yourself: ask another admin or the platform admin.")
        )
    if StaffDeactivation.objects.filter(association=association, user=person).exists():
        raise PeopleError(_("This person is already deactivated here."))
    held = set(
        RoleGrant.objects.filter(association=association, user=person).values_list(
            "role", flat=True
        )
    )
    roles = [str(role) for role in STAFF_ROLES if role in held]
    for role in roles:
        role_revoke(association=association, user=person, role=role)
    deactivation = StaffDeactivation.objects.create(
        association=association, user=person, roles=roles, by=by
    )
    staff_change_record(
        association=association,
        by=by,
        action=StaffChangeAction.DEACTIVATED,
        email=person.email,
        user=person,
        roles=roles,
    )
    return deactivation


@transaction.atomic
def staff_reactivate(*, association: Association, person: User, by: User) -> list[str]:
    """Give back the roles taken away at deactivation."""
    deactivation = (
        StaffDeactivation.objects.select_for_update()
        .filter(association=association, user=person)
        .first()
    )
    if deactivation is None:
        raise PeopleError(_("This person is not deactivated here."))
    roles = [role for role in deactivation.roles if role in Role.values]
    for role in roles:
        role_grant(association=association, user=person, role=role, by=by)
    deactivation.delete()
    staff_change_record(
        association=association,
        by=by,
        action=StaffChangeAction.REACTIVATED,
        email=person.email,
        user=person,
        roles=roles,
    )
    return roles
