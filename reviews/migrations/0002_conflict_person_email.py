# A declared conflict names a person by their e-mail, not by their account (so a reviewer can
# name someone who does not use the portal yet). Schema, step 1: the new column; the old check
# constraint (person or organisation) goes, the new one comes in 0004 with the person removed.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reviews', '0001_advising_reviews_exams'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='conflictdeclaration',
            name='conflict_names_person_or_organisation',
        ),
        migrations.AddField(
            model_name='conflictdeclaration',
            name='person_email',
            field=models.EmailField(blank=True, max_length=254, verbose_name="person's e-mail"),
        ),
    ]
