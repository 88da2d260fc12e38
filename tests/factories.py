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
from endorsement.models import Application

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
