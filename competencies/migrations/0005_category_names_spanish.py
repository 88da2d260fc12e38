"""Fill the Spanish names of the shipped categories in existing databases (the loader fills
them on a re-load too, but skips locked versions). Only a category still carrying the shipped
English name gets the shipped Spanish one: a renamed category is left to its association."""

from django.db import migrations

SPANISH = {
    "Infant Family Associate": "Asociado/a en Bebés y Familias",
    "Infant Family Specialist": "Especialista en Bebés y Familias",
    "Infant Family Reflective Supervisor": "Supervisor/a Reflexivo/a en Bebés y Familias",
    "Infant Mental Health Specialist": "Especialista en Salud Mental Infantil",
    "Infant Mental Health Mentor – Clinical": "Mentor/a en Salud Mental Infantil – Clínica",
    "Infant Mental Health Mentor – Policy": "Mentor/a en Salud Mental Infantil – Políticas",
    "Infant Mental Health Mentor – Research/Faculty": (
        "Mentor/a en Salud Mental Infantil – Investigación/Docencia"
    ),
    "Early Childhood Family Associate": "Asociado/a en Primera Infancia y Familias",
    "Early Childhood Family Specialist": "Especialista en Primera Infancia y Familias",
    "Early Childhood Mental Health Specialist": (
        "Especialista en Salud Mental de la Primera Infancia"
    ),
    "Early Childhood Mental Health Mentor – Clinical": (
        "Mentor/a en Salud Mental de la Primera Infancia – Clínica"
    ),
    "Early Childhood Mental Health Mentor – Policy": (
        "Mentor/a en Salud Mental de la Primera Infancia – Políticas"
    ),
    "Early Childhood Mental Health Mentor – Research/Faculty": (
        "Mentor/a en Salud Mental de la Primera Infancia – Investigación/Docencia"
    ),
}


def fill_spanish(apps, schema_editor):
    EndorsementCategory = apps.get_model("competencies", "EndorsementCategory")
    for category in EndorsementCategory.objects.filter(name__in=SPANISH):
        if not category.names.get("es"):
            category.names = {**category.names, "es": SPANISH[category.name]}
            category.save(update_fields=["names"])


class Migration(migrations.Migration):
    dependencies = [("competencies", "0004_category_names")]

    operations = [migrations.RunPython(fill_spanish, migrations.RunPython.noop)]
