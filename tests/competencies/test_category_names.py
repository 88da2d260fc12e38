"""A category's name in each language: the accessor pages and e-mails use, and the data
migration that gives existing databases the shipped Spanish names."""

import importlib

import pytest
from django.apps import apps
from django.utils import translation

from competencies.models import EndorsementCategory
from tests.factories import EndorsementCategoryFactory

pytestmark = pytest.mark.django_db


def test_a_categorys_name_follows_the_active_language():
    category = EndorsementCategoryFactory(
        name="Infant Family Specialist", names={"es": "Especialista en Bebés y Familias"}
    )
    untranslated = EndorsementCategoryFactory(name="Local Category")
    with translation.override("es"):
        assert (category.display_name, untranslated.display_name) == (
            "Especialista en Bebés y Familias",
            "Local Category",
        )
    with translation.override("en"):
        assert category.display_name == "Infant Family Specialist"


def test_the_data_migration_fills_the_shipped_spanish_names_only():
    migration = importlib.import_module("competencies.migrations.0005_category_names_spanish")
    shipped = EndorsementCategoryFactory(name="Infant Mental Health Specialist")
    renamed = EndorsementCategoryFactory(name="Our Own Specialist")
    edited = EndorsementCategoryFactory(
        name="Infant Family Specialist", names={"es": "Especialista de la asociación"}
    )
    migration.fill_spanish(apps, None)
    names = dict(
        EndorsementCategory.objects.filter(pk__in=[shipped.pk, renamed.pk, edited.pk]).values_list(
            "name", "names"
        )
    )
    assert names == {
        "Infant Mental Health Specialist": {"es": "Especialista en Salud Mental Infantil"},
        "Our Own Specialist": {},
        "Infant Family Specialist": {"es": "Especialista de la asociación"},
    }
