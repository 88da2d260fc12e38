import datetime

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    DateField,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Greatest

from accounts.enums import (
    EXPIRING_WITHIN_DAYS,
    MembershipProofState,
    MembershipStatus,
    MemberStanding,
    Role,
)
from accounts.models import (
    Association,
    EmailOptOut,
    Membership,
    MembershipProof,
    RoleGrant,
    User,
)
from accounts.rules import role_map


def email_opted_out(*, email: str) -> bool:
    """Whether ``email`` asked for no more non-essential e-mail (``EmailOptOut``)."""
    return bool(email) and EmailOptOut.objects.filter(email=email.strip().lower()).exists()


def user_role_grants(*, user) -> QuerySet[RoleGrant]:
    return (
        RoleGrant.objects.filter(user=user)
        .select_related("association")
        .order_by("association__name", "role")
    )


def user_has_staff_role(*, user) -> bool:
    """Any role grant, or admin access. Shares the per-request role cache of the rules."""
    return user.is_authenticated and (user.is_superuser or user.is_staff or bool(role_map(user)))


def role_holders(*, association, role: str) -> QuerySet[User]:
    """The active people holding ``role`` in the association, by name."""
    return (
        User.objects.filter(
            role_grants__association=association, role_grants__role=role, is_active=True
        )
        .distinct()
        .order_by("full_name", "email")
    )


def associations_administered(*, user) -> QuerySet[Association]:
    if user.is_superuser:
        return Association.objects.all()
    return Association.objects.filter(
        role_grants__user=user, role_grants__role=Role.ASSOCIATION_ADMIN
    ).distinct()


def _memberships_covering(*, user, association, on=None) -> QuerySet[Membership]:
    """The active memberships covering ``on`` (default: today where the association is);
    ``user`` may be an ``OuterRef``."""
    on = on or association.today()
    return Membership.objects.filter(
        user=user,
        association=association,
        status=MembershipStatus.ACTIVE,
        start__lte=on,
        end__gte=on,
    )


def _proofs_covering(*, user, association, on=None) -> QuerySet[MembershipProof]:
    """The confirmed proofs of membership of another association that still run on ``on``:
    the association accepts them as its own membership (``MembershipProof``)."""
    on = on or association.today()
    return MembershipProof.objects.filter(
        user=user, association=association, state=MembershipProofState.CONFIRMED, end__gte=on
    )


def current_membership(*, user, association, on=None) -> Membership | MembershipProof | None:
    """The active membership covering ``on`` (default: today where the association is), else a
    confirmed proof of membership of another association that covers it (both have ``end``
    and ``member_number``)."""
    fields = ("kind", "pk", "start", "end", "member_number")
    memberships = (
        _memberships_covering(user=user, association=association, on=on)
        .order_by()  # SQLite refuses an ORDER BY inside a UNION's parts
        .annotate(kind=Value(0, output_field=IntegerField()))
        .values_list(*fields)
    )
    proofs = (
        _proofs_covering(user=user, association=association, on=on)
        .order_by()
        .annotate(
            kind=Value(1, output_field=IntegerField()),
            start=Value(None, output_field=DateField()),
        )
        .values_list(*fields)
    )
    # One query: the person's own membership first, the latest ending first.
    row = memberships.union(proofs, all=True).order_by("kind", "-end").first()
    if row is None:
        return None
    kind, pk, start, end, member_number = row
    if kind == 0:
        return Membership(
            pk=pk,
            user=user,
            association=association,
            status=MembershipStatus.ACTIVE,
            start=start,
            end=end,
            member_number=member_number,
        )
    return MembershipProof(
        pk=pk,
        user=user,
        association=association,
        state=MembershipProofState.CONFIRMED,
        end=end,
        member_number=member_number,
    )


def current_membership_exists(*, user, association) -> ExpressionWrapper:
    """An annotation: whether ``user`` (an ``OuterRef`` to a user) is a member today (or holds
    a confirmed proof of membership of another association)."""
    return ExpressionWrapper(
        Q(Exists(_memberships_covering(user=user, association=association)))
        | Q(Exists(_proofs_covering(user=user, association=association))),
        output_field=BooleanField(),
    )


def confirmed_proof_ends(*, user) -> dict[int, "datetime.date"]:
    """{association id: the latest end} of the person's confirmed proofs of membership of
    another association (one query)."""
    ends: dict[int, datetime.date] = {}
    rows = MembershipProof.objects.filter(
        user=user, state=MembershipProofState.CONFIRMED
    ).values_list("association_id", "end")
    for association_id, end in rows:
        ends[association_id] = max(end, ends.get(association_id, end))
    return ends


def user_memberships(*, user) -> list[Membership]:
    """Every membership of the person, with its association."""
    return list(Membership.objects.filter(user=user).select_related("association"))


def listed_associations() -> QuerySet[Association]:
    """The associations shown to the public (the view picks one by its short name)."""
    return Association.objects.filter(is_active=True)


def association_role_grants(*, association) -> QuerySet[RoleGrant]:
    """The association's role grants with their people, by role then e-mail address."""
    return (
        RoleGrant.objects.filter(association=association)
        .select_related("user")
        .order_by("role", "user__email")
    )


def association_member_count(*, association) -> int:
    """The memberships recorded in the association (any year, any status)."""
    return Membership.objects.filter(association=association).count()


def membership_standing(
    *, member_until: datetime.date | None, pending: bool, today: datetime.date
) -> MemberStanding:
    """Where a membership stands on ``today``, from the end of the person's latest active
    membership (``member_until``) and whether a membership waits for its payment."""
    if member_until is not None and member_until >= today:
        if (member_until - today).days <= EXPIRING_WITHIN_DAYS:
            return MemberStanding.EXPIRING
        return MemberStanding.CURRENT
    if pending:
        return MemberStanding.PENDING
    return MemberStanding.NONE if member_until is None else MemberStanding.EXPIRED


def membership_annotations(*, user, association, today: datetime.date) -> dict:
    """Annotations for ``membership_standing``: ``member_until`` (the end of the latest active
    membership) and ``membership_pending``; ``user`` and ``association`` may be ``OuterRef``s."""
    memberships = Membership.objects.filter(user=user, association=association)
    proofs = MembershipProof.objects.filter(
        user=user, association=association, state=MembershipProofState.CONFIRMED
    )
    return {
        # A confirmed proof of membership elsewhere counts until its end (PostgreSQL's
        # GREATEST ignores NULL).
        "member_until": Greatest(
            Subquery(
                memberships.filter(status=MembershipStatus.ACTIVE)
                .order_by("-end")
                .values("end")[:1]
            ),
            Subquery(proofs.order_by("-end").values("end")[:1]),
        ),
        "membership_pending": Exists(
            memberships.filter(status=MembershipStatus.PENDING, end__gte=today)
        ),
    }


def association_members(
    *, association: Association, q: str = "", standing: str = ""
) -> QuerySet[User]:
    """The people with a membership of the association (any year, any status), by name, each
    with ``member_until``, ``member_number`` (of their latest membership) and ``standing``
    (a ``MemberStanding``; people whose memberships all ended are "expired"). ``q`` matches the
    name, the e-mail address or a member number; ``standing`` filters."""
    today = association.today()
    memberships = Membership.objects.filter(user=OuterRef("pk"), association=association)
    expiring_by = today + datetime.timedelta(days=EXPIRING_WITHIN_DAYS)
    people = (
        User.objects.filter(Exists(memberships))
        .annotate(
            **membership_annotations(user=OuterRef("pk"), association=association, today=today),
            member_number=Subquery(memberships.order_by("-end").values("member_number")[:1]),
        )
        .annotate(
            standing=Case(
                When(member_until__gt=expiring_by, then=Value(MemberStanding.CURRENT.value)),
                When(member_until__gte=today, then=Value(MemberStanding.EXPIRING.value)),
                When(membership_pending=True, then=Value(MemberStanding.PENDING.value)),
                default=Value(MemberStanding.EXPIRED.value),
                output_field=CharField(),
            )
        )
    )
    q = (q or "").strip()
    if q:
        people = people.filter(
            Q(full_name__icontains=q)
            | Q(email__icontains=q)
            | Exists(memberships.filter(member_number__icontains=q))
        )
    if standing:
        people = people.filter(standing=standing)
    return people.order_by("full_name", "email", "pk")


def user_membership_standings(
    *, memberships: list[Membership], proof_ends: dict | None = None
) -> list[dict]:
    """Per association (by name), where the person's membership stands today: ``association``,
    ``standing`` (a ``MemberStanding``) and ``member_until``; read from ``user_memberships``
    and ``confirmed_proof_ends`` (no query: an association known only from a proof is not
    listed)."""
    proof_ends = proof_ends or {}
    by_association: dict[int, list[Membership]] = {}
    for membership in memberships:
        by_association.setdefault(membership.association_id, []).append(membership)
    rows = []
    for own in by_association.values():
        association = own[0].association
        today = association.today()
        ends = [m.end for m in own if m.status == MembershipStatus.ACTIVE]
        if association.pk in proof_ends:
            ends.append(proof_ends[association.pk])
        pending = any(m.status == MembershipStatus.PENDING and m.end >= today for m in own)
        member_until = max(ends) if ends else None
        rows.append(
            {
                "association": association,
                "standing": membership_standing(
                    member_until=member_until, pending=pending, today=today
                ),
                "member_until": member_until,
            }
        )
    return sorted(rows, key=lambda row: row["association"].name)
