"""The demo's people: the associations, the platform admin, each association's staff (a role
grant and a fixed two-factor secret each) and its applicants (each a member)."""

import base64
import datetime
import hashlib

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.utils import timezone

from accounts.enums import Role
from accounts.models import Association, Membership, User, WorkforceProfile
from accounts.services import (
    membership_record,
    role_grant,
    workforce_profile_update,
    workforce_registry_set,
)

DEMO_PASSWORD = "demo-endorse-2026"  # noqa: S105 - printed for the demo on purpose

PLATFORM_ADMIN = "platform-admin@example.org"

ASSOCIATIONS = [
    {
        "name": "Northfield Association for Infant Mental Health",
        "slug": "northfield",
        "number_prefix": "NFAIMH",
        "brand_colour": "#1f5f8b",
        "time_zone": "America/New_York",
        "reviewers_per_portfolio": 2,
    },
    {
        "name": "Lakeshore Association for Infant and Early Childhood Mental Health",
        "slug": "lakeshore",
        "number_prefix": "LAIECMH",
        "brand_colour": "#2d6a4f",
        "time_zone": "America/Chicago",
        "reviewers_per_portfolio": 1,
    },
]

STAFF = [
    (Role.COORDINATOR, "coordinator", "Casey Coordinator"),
    (Role.ADVISOR, "advisor", "Avery Advisor"),
    (Role.REVIEWER, "reviewer", "Riley Reviewer"),
    (Role.REVIEWER, "reviewer2", "Rowan Reviewer"),
    (Role.EXAM_GRADER, "grader", "Gabriel Grader"),
    (Role.EXAM_GRADER, "grader2", "Greta Grader"),
    (Role.ASSOCIATION_ADMIN, "admin", "Alex Admin"),
]


def demo_totp_secret(email: str) -> str:
    """A fixed secret per demo account, so `manage.py demo_codes` can show its current code."""
    digest = hashlib.sha256(f"demo-totp:{email}".encode()).digest()[:20]
    return base64.b32encode(digest).decode()


def demo_staff_emails() -> list[str]:
    emails = [PLATFORM_ADMIN]
    for association in ASSOCIATIONS:
        emails += [f"{local}@{association['slug']}.example.org" for _, local, _ in STAFF]
    return emails


def association_seed(spec: dict) -> Association:
    association, _ = Association.objects.get_or_create(
        slug=spec["slug"],
        defaults={**spec, "contact_email": f"office@{spec['slug']}.example.org"},
    )
    return association


def demo_user(email: str, name: str, *, superuser: bool = False, language: str = "en") -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        create = User.objects.create_superuser if superuser else User.objects.create_user
        user = create(email=email, password=DEMO_PASSWORD, full_name=name)
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def demo_totp(user: User) -> None:
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, demo_totp_secret(user.email))


def platform_admin_seed() -> User:
    admin = demo_user(PLATFORM_ADMIN, "Pat Platform", superuser=True)
    demo_totp(admin)
    return admin


def staff_seed(*, association: Association, role: str, local: str, name: str) -> User:
    """A staff account of the association with its role and two-factor secret."""
    user = demo_user(f"{local}@{association.slug}.example.org", name)
    role_grant(association=association, user=user, role=role)
    demo_totp(user)
    return user


# Applicants whose membership ran out last year: they renew online from their dashboard
# (``billing:membership``), paying through the manual gateway or asking for a waiver.
LAPSED_MEMBERS = {"ana"}


def applicant_seed(*, association: Association, local: str, name: str, language: str) -> User:
    """An applicant's account, a member of the association since 15 January (of last year,
    lapsed, for ``LAPSED_MEMBERS``)."""
    user = demo_user(f"{local}@{association.slug}.example.org", name, language=language)
    if not Membership.objects.filter(user=user, association=association).exists():
        year = timezone.localdate().year - (1 if local in LAPSED_MEMBERS else 0)
        membership_record(
            association=association,
            user=user,
            joined_on=datetime.date(year, 1, 15),
            member_number=f"{association.number_prefix}-{user.pk:05d}",
        )
    workforce_profile_seed(user=user, local=local)
    return user


# Each demo applicant's professional profile: (setting, discipline, region, languages,
# race/ethnicity, shown in the registry). Farah, the holder, shows her languages and region.
WORKFORCE_PROFILES = {
    "ana": (
        "home_visiting",
        "family_support",
        "Hartford County",
        ["es", "en"],
        ["hispanic"],
        False,
    ),
    "ben": ("child_care", "early_childhood", "Hartford County", ["en"], ["white"], False),
    "carla": ("early_intervention", "therapy", "New Haven County", ["en", "pt"], [], False),
    "dmitri": ("clinic", "psychology", "Fairfield County", ["en", "ru"], ["prefer_not"], False),
    "gus": ("home_visiting", "social_work", "New Haven County", ["en"], ["black"], False),
    "erin": (
        "clinic",
        "social_work",
        "Hartford County",
        ["en", "es"],
        ["white", "hispanic"],
        False,
    ),
    "hana": ("hospital", "nursing", "Fairfield County", ["en", "ko"], ["asian"], False),
    "farah": ("early_intervention", "counseling", "Hartford County", ["en", "ar"], [], True),
    # Northfield's holders of the renewal demo (``demo.lifecycle``).
    "leo": ("child_care", "early_childhood", "Tolland County", ["en"], ["white"], False),
    "kim": ("home_visiting", "nursing", "Windham County", ["en", "ko"], ["asian"], False),
    "jon": ("clinic", "counseling", "Litchfield County", ["en"], ["black"], False),
    "ivy": ("hospital", "psychology", "Middlesex County", ["en", "fr"], ["prefer_not"], False),
}


def workforce_profile_seed(*, user: User, local: str) -> None:
    """The applicant's profile, written once (a demo visitor's changes stay)."""
    spec = WORKFORCE_PROFILES.get(local)
    if spec is None or WorkforceProfile.objects.filter(user=user).exists():
        return
    setting, discipline, region, languages, race_ethnicity, shown = spec
    workforce_profile_update(
        user=user,
        work_setting=setting,
        discipline=discipline,
        region=region,
        languages=languages,
        race_ethnicity=race_ethnicity,
    )
    if shown:
        workforce_registry_set(user=user, show_languages=True, show_region=True)
