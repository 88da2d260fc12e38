"""Give every existing certificate its public code (the QR codes printed before keep pointing
at the plain verification page, which still works)."""

import secrets

from django.db import migrations


def fill_codes(apps, schema_editor):
    Certificate = apps.get_model("credentials", "Certificate")
    for certificate in Certificate.objects.filter(code__isnull=True).only("pk"):
        certificate.code = secrets.token_hex(10)
        certificate.save(update_fields=["code"])


class Migration(migrations.Migration):
    dependencies = [("credentials", "0003_certificate_code_and_name_change_request")]

    operations = [migrations.RunPython(fill_codes, migrations.RunPython.noop)]
