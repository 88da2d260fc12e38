# Schema, step 2: the person's account is no longer stored (showing or matching it would reveal
# who uses the portal); a declaration names a person's e-mail or an organisation, and a reviewer
# declares each e-mail once (case-insensitive).

import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reviews', '0003_conflict_person_email_from_person'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='conflictdeclaration',
            name='person',
        ),
        migrations.AddConstraint(
            model_name='conflictdeclaration',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('person_email', ''), _negated=True), models.Q(('organisation', ''), _negated=True), _connector='OR'), name='conflict_names_person_or_organisation'),
        ),
        migrations.AddConstraint(
            model_name='conflictdeclaration',
            constraint=models.UniqueConstraint(models.F('association'), models.F('reviewer'), django.db.models.functions.text.Lower('person_email'), condition=models.Q(('person_email', ''), _negated=True), name='conflict_person_email_unique'),
        ),
    ]
