"""factory_boy factories for every model; one place, shared by all tests."""

import datetime
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress

from accounts.enums import MembershipStatus, Role
from accounts.models import Association, Membership, RoleGrant, User
from competencies.enums import Family, RequirementKind
from competencies.models import (
    Competency,
    CompetencyArea,
    EndorsementCategory,
    Framework,
    Requirement,
)
from endorsement.models import Application, Endorsement

DEFAULT_PASSWORD = "a-Long-test-passw0rd"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        """Users are created with a verified primary e-mail unless verified=False."""
        if create and extracted is not False:
            EmailAddress.objects.get_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )
        if create:
            self.save()


class AssociationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Association
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Association {n} for Infant Mental Health")
    slug = factory.Sequence(lambda n: f"assoc{n}")
    contact_email = factory.LazyAttribute(lambda o: f"office@{o.slug}.example.org")
    number_prefix = factory.LazyAttribute(lambda o: o.slug.upper()[:10])


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    association = factory.SubFactory(AssociationFactory)
    user = factory.SubFactory(UserFactory)
    status = MembershipStatus.ACTIVE
    start = factory.LazyFunction(lambda: datetime.date(datetime.date.today().year, 1, 1))
    end = factory.LazyFunction(lambda: datetime.date(datetime.date.today().year, 12, 31))


class RoleGrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleGrant

    association = factory.SubFactory(AssociationFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.COORDINATOR


class FrameworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Framework

    association = factory.SubFactory(AssociationFactory)
    name = "Competency Guidelines"
    version = factory.Sequence(lambda n: f"v{n}")
    effective_from = datetime.date(2025, 1, 1)


class CompetencyAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompetencyArea

    framework = factory.SubFactory(FrameworkFactory)
    code = factory.Sequence(lambda n: f"area-{n}")
    name = factory.Sequence(lambda n: f"Area {n}")
    order = factory.Sequence(lambda n: n)


class EndorsementCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EndorsementCategory

    framework = factory.SubFactory(FrameworkFactory)
    code = factory.Sequence(lambda n: f"C{n}")
    name = factory.Sequence(lambda n: f"Category {n}")
    family = Family.INFANT


class CompetencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Competency

    area = factory.SubFactory(CompetencyAreaFactory)
    name = factory.Sequence(lambda n: f"Competency item {n}")


class RequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Requirement

    category = factory.SubFactory(EndorsementCategoryFactory)
    kind = RequirementKind.TRAINING
    min_hours = Decimal("30")


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    category = factory.SubFactory(EndorsementCategoryFactory)
    association = factory.LazyAttribute(lambda o: o.category.framework.association)
    applicant = factory.SubFactory(UserFactory)


class EndorsementFactory(factory.django.DjangoModelFactory):
    """An awarded endorsement (without the award's events: ``endorsement.awards`` writes those);
    ``category__names={...}`` and the like reach its category."""

    class Meta:
        model = Endorsement

    category = factory.SubFactory(EndorsementCategoryFactory)
    application = factory.SubFactory(
        ApplicationFactory, state="awarded", category=factory.SelfAttribute("..category")
    )
    association = factory.LazyAttribute(lambda o: o.application.association)
    holder = factory.LazyAttribute(lambda o: o.application.applicant)
    number = factory.Sequence(lambda n: f"TEST-IFS-2026-{n + 1:04d}")
    awarded_on = factory.LazyFunction(lambda: datetime.date.today())
    valid_through = factory.LazyAttribute(lambda o: datetime.date(o.awarded_on.year, 12, 31))


# --- Portfolio evidence (DOCUMENTS part) ----------------------------------------------------
# Imported here, late, so the block can be appended without touching the imports above.
import hashlib as _hashlib  # noqa: E402

from portfolios.enums import DocumentKind as _DocumentKind  # noqa: E402
from portfolios.models import Document as _Document  # noqa: E402
from portfolios.models import Education as _Education  # noqa: E402
from portfolios.models import WorkExperience as _WorkExperience  # noqa: E402

PDF_BYTES = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


class DocumentFactory(factory.django.DjangoModelFactory):
    """A stored PDF; needs a writable default storage (tests point it at a temporary folder)."""

    class Meta:
        model = _Document

    application = factory.SubFactory(ApplicationFactory)
    association = factory.LazyAttribute(lambda o: o.application.association)
    kind = _DocumentKind.TRANSCRIPT
    file = factory.django.FileField(data=PDF_BYTES, filename="upload")
    original_name = "transcript.pdf"
    content_type = "application/pdf"
    size = len(PDF_BYTES)
    sha256 = _hashlib.sha256(PDF_BYTES).hexdigest()


class EducationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = _Education

    application = factory.SubFactory(ApplicationFactory)
    level = "bachelor"
    credential = factory.Sequence(lambda n: f"BA in Psychology {n}")
    institution = "Northfield State University"
    start = datetime.date(2010, 9, 1)
    end = datetime.date(2014, 5, 31)


class WorkExperienceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = _WorkExperience

    application = factory.SubFactory(ApplicationFactory)
    employer = factory.Sequence(lambda n: f"Early Head Start {n}")
    role = "Home visitor"
    start = datetime.date(2022, 1, 1)
    end = datetime.date(2023, 12, 31)
    hours_per_week = Decimal("35")
    population_served = "Families with infants and toddlers"
    work_kind = "paid_infant_family"
    is_paid = True
    is_dyadic = False


# --- References (appended by the references part) ---------------------------------------------

import hashlib as _ref_hashlib  # noqa: E402
import secrets as _ref_secrets  # noqa: E402

from django.utils import timezone as _ref_timezone  # noqa: E402

from portfolios.models import Reference as _Reference  # noqa: E402


class ReferenceFactory(factory.django.DjangoModelFactory):
    """A rater already invited; the token (not stored) is lost: use the service to get one."""

    class Meta:
        model = _Reference

    application = factory.SubFactory(ApplicationFactory)
    rater_name = factory.Sequence(lambda n: f"Rater {n}")
    rater_email = factory.Sequence(lambda n: f"rater{n}@example.org")
    relationship = "any"
    token_hash = factory.LazyFunction(
        lambda: _ref_hashlib.sha256(_ref_secrets.token_bytes(16)).hexdigest()
    )
    token_expires = factory.LazyFunction(lambda: _ref_timezone.now() + datetime.timedelta(days=30))
    sent_at = factory.LazyFunction(_ref_timezone.now)


# --- Review workflow (advising, reviews, exams, awards) ----------------------------------------

from reviews.models import (  # noqa: E402
    Comment as _Comment,
)
from reviews.models import (  # noqa: E402
    ConflictDeclaration as _ConflictDeclaration,
)
from reviews.models import (  # noqa: E402
    ExamRegistration as _ExamRegistration,
)
from reviews.models import (  # noqa: E402
    ExamSitting as _ExamSitting,
)
from reviews.models import (  # noqa: E402
    ReviewAssignment as _ReviewAssignment,
)
from reviews.models import (  # noqa: E402
    VignetteScore as _VignetteScore,
)


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = _Comment

    application = factory.SubFactory(ApplicationFactory)
    author = factory.SubFactory(UserFactory)
    section = "general"
    body = factory.Sequence(lambda n: f"Comment {n}")


class ReviewAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = _ReviewAssignment

    application = factory.SubFactory(ApplicationFactory)
    reviewer = factory.SubFactory(UserFactory)
    due_on = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=30))


class ConflictDeclarationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = _ConflictDeclaration

    association = factory.SubFactory(AssociationFactory)
    reviewer = factory.SubFactory(UserFactory)
    organisation = "Early Head Start"


class ExamSittingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = _ExamSitting

    association = factory.SubFactory(AssociationFactory)
    starts_at = factory.LazyFunction(
        lambda: _ref_timezone.now().replace(microsecond=0) + datetime.timedelta(days=30)
    )
    place = "Northfield University, Room 101"
    capacity = 20


class ExamRegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = _ExamRegistration

    sitting = factory.SubFactory(ExamSittingFactory)
    application = factory.SubFactory(ApplicationFactory)


class VignetteScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = _VignetteScore

    registration = factory.SubFactory(ExamRegistrationFactory)
    grader = factory.SubFactory(UserFactory)


# --- An endorsement's standing, set directly (tests only) ---------------------------------------
from django.db.models.signals import post_save as _post_save  # noqa: E402


def endorsement_status_set(endorsement, status, **fields):
    """Put ``endorsement`` in ``status`` (and set ``fields``) without the lifecycle's writer,
    which alone may change the protected field: for tests that need a standing as a given.
    Saves as a save would (``post_save`` empties the caches) and reloads ``endorsement``."""
    Endorsement.objects.filter(pk=endorsement.pk).update(status=status, **fields)
    endorsement.refresh_from_db()
    _post_save.send(sender=Endorsement, instance=endorsement, created=False, update_fields=None)
    return endorsement
