"""Organisations and their roles now live in ``vocaleyes`` (its migration 0003): state only,
the tables and their rows stay as they are."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('timecredits', '0003_organisation_from_vocaleyes'),
        ('conversations', '0009_comment_top_level_index'),
        ('vocaleyes', '0003_organisations_move_here'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay as they are; only where Django thinks the models live changes.
            database_operations=[],
            state_operations=[
                migrations.RemoveField(
                    model_name='organisationrole',
                    name='organisation',
                ),
                migrations.AlterField(
                    model_name='conversation',
                    name='organisation',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='conversations', to='vocaleyes.organisation', verbose_name='organisation'),
                ),
                migrations.RemoveField(
                    model_name='organisationrole',
                    name='user',
                ),
                migrations.DeleteModel(
                    name='Organisation',
                ),
                migrations.DeleteModel(
                    name='OrganisationRole',
                ),
            ],
        ),
    ]
