"""The association's competency framework (the shipped one, ``load_framework``) and its
categories, by code."""

from django.core.management import call_command

from accounts.models import Association
from competencies.models import EndorsementCategory
from competencies.selectors import framework_in_force


def framework_load(association: Association) -> None:
    call_command("load_framework", "--association", association.slug, verbosity=0)


def categories_by_code(association: Association) -> dict[str, EndorsementCategory]:
    framework = framework_in_force(association=association)
    return {category.code: category for category in framework.categories.all()}
