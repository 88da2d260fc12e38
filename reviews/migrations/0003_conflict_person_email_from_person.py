# Data: each declaration naming a person gets that person's e-mail, lower-cased and stripped.
# Two declarations of one reviewer naming the same e-mail are one (the oldest is kept), as the
# unique constraint of 0004 requires.
#
# Backwards: the person is found again by e-mail; a declaration naming an e-mail nobody uses
# cannot be expressed without the e-mail column and is deleted.

from django.conf import settings
from django.db import migrations


def person_email_from_person(apps, schema_editor):
    ConflictDeclaration = apps.get_model('reviews', 'ConflictDeclaration')
    seen = set()
    changed, duplicates = [], []
    rows = ConflictDeclaration.objects.filter(person__isnull=False).select_related('person')
    for row in rows.order_by('created', 'id'):
        email = row.person.email.strip().lower()
        key = (row.association_id, row.reviewer_id, email)
        if key in seen:
            duplicates.append(row.pk)
            continue
        seen.add(key)
        row.person_email = email
        changed.append(row)
    ConflictDeclaration.objects.filter(pk__in=duplicates).delete()
    ConflictDeclaration.objects.bulk_update(changed, ['person_email'], batch_size=500)


def person_from_person_email(apps, schema_editor):
    ConflictDeclaration = apps.get_model('reviews', 'ConflictDeclaration')
    User = apps.get_model(settings.AUTH_USER_MODEL)
    changed, orphans = [], []
    for row in ConflictDeclaration.objects.exclude(person_email=''):
        row.person = User.objects.filter(email__iexact=row.person_email).first()
        if row.person is not None:
            changed.append(row)
        elif not row.organisation:
            orphans.append(row.pk)
    ConflictDeclaration.objects.filter(pk__in=orphans).delete()
    ConflictDeclaration.objects.bulk_update(changed, ['person'], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ('reviews', '0002_conflict_person_email'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(person_email_from_person, person_from_person_email),
    ]
