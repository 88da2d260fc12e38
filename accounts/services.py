import datetime

from django.db import transaction

from accounts.enums import MembershipStatus, Role
from accounts.models import (
    Association,
    EmailOptOut,
    MemberNumberCounter,
    Membership,
    RoleGrant,
    User,
    WorkforceProfile,
    membership_period,
)


def _forget_cached_roles(user: User) -> None:
    # accounts.rules.role_map caches the user's grants on the user object.
    user.__dict__.pop("_role_map", None)


@transaction.atomic
def role_grant(
    *, association: Association, user: User, role: str, by: User | None = None
) -> RoleGrant:
    """Give ``user`` a staff role in ``association``; granting it again changes nothing."""
    role = Role(role)
    grant, _ = RoleGrant.objects.get_or_create(
        association=association, user=user, role=role, defaults={"granted_by": by}
    )
    _forget_cached_roles(user)
    if role == Role.ASSOCIATION_ADMIN and not user.is_staff:
        # Association admins work in the admin site, scoped to their association.
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return grant


@transaction.atomic
def role_revoke(*, association: Association, user: User, role: str) -> None:
    """Take a role away; the last association-admin grant also ends admin-site access."""
    RoleGrant.objects.filter(association=association, user=user, role=role).delete()
    _forget_cached_roles(user)
    if (
        role == Role.ASSOCIATION_ADMIN
        and not user.is_superuser
        and not RoleGrant.objects.filter(user=user, role=Role.ASSOCIATION_ADMIN).exists()
    ):
        user.is_staff = False
        user.save(update_fields=["is_staff"])


def member_number_allocate(*, association: Association) -> str:
    """The association's next member number, e.g. NFAIMH-M-00042: the counter row stays locked
    until the caller's transaction ends, so concurrent callers never get the same number (one
    already typed by hand is skipped)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("member_number_allocate needs the caller's transaction.")
    MemberNumberCounter.objects.get_or_create(association=association)
    counter = MemberNumberCounter.objects.select_for_update().get(association=association)
    taken = Membership.objects.filter(association=association)
    while True:
        counter.last_number += 1
        number = f"{association.number_prefix}-M-{counter.last_number:05d}"
        if not taken.filter(member_number=number).exists():
            break
    counter.save(update_fields=["last_number"])
    return number


@transaction.atomic
def membership_record(
    *,
    association: Association,
    user: User,
    joined_on: datetime.date,
    member_number: str = "",
    status: str = MembershipStatus.ACTIVE,
) -> Membership:
    """Record a paid individual membership for the calendar year(s) it covers, with the member
    number given or else the association's next one (``member_number_allocate``)."""
    start, end = membership_period(joined_on)
    return Membership.objects.create(
        association=association,
        user=user,
        member_number=member_number.strip() or member_number_allocate(association=association),
        status=status,
        start=start,
        end=end,
    )


@transaction.atomic
def membership_cancel(*, membership: Membership) -> Membership:
    """End a membership before its term (its fee refunded): it no longer counts for anything;
    cancelling it again changes nothing."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.status != MembershipStatus.CANCELLED:
        membership.status = MembershipStatus.CANCELLED
        membership.save(update_fields=["status"])
    return membership


def user_set_language(*, user: User, language: str) -> None:
    """Remember the language the person chose (the site speaks it to them from then on)."""
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])


def email_opt_out_set(*, email: str, opted_out: bool) -> bool:
    """Record that ``email`` wants no more non-essential e-mail (``opted_out``) or wants it
    again; idempotent. Returns whether anything changed. Addresses are kept in lower case, as
    accounts keep theirs."""
    email = email.strip().lower()
    if opted_out:
        _row, created = EmailOptOut.objects.get_or_create(email=email)
        return created
    deleted, _rows = EmailOptOut.objects.filter(email=email).delete()
    return bool(deleted)


WORKFORCE_FIELDS = (
    "discipline",
    "work_setting",
    "region",
    "languages",
    "other_languages",
    "race_ethnicity",
    "race_ethnicity_description",
)


@transaction.atomic
def workforce_profile_update(*, user: User, **fields) -> WorkforceProfile:
    """The person's own professional profile (only its ``WORKFORCE_FIELDS``; the registry
    choices are ``workforce_registry_set``'s)."""
    unknown = set(fields) - set(WORKFORCE_FIELDS)
    if unknown:
        raise ValueError(f"not profile fields: {sorted(unknown)}")
    if "region" in fields:
        fields["region"] = " ".join((fields["region"] or "").split())
    profile, _ = WorkforceProfile.objects.update_or_create(user=user, defaults=fields)
    return profile


@transaction.atomic
def workforce_registry_set(*, user: User, show_languages: bool, show_region: bool) -> None:
    """Whether the public registry shows the person's languages and region (their choice)."""
    WorkforceProfile.objects.update_or_create(
        user=user,
        defaults={"show_languages": bool(show_languages), "show_region": bool(show_region)},
    )
