"""Accounts, offers and transfers now point at ``vocaleyes.Organisation``: the same table."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('timecredits', '0002_ledger_triggers'),
        ('vocaleyes', '0003_organisations_move_here'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay as they are; only where Django thinks the models live changes.
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name='account',
                    name='organisation',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='credit_accounts', to='vocaleyes.organisation', verbose_name='organisation'),
                ),
                migrations.AlterField(
                    model_name='partneroffer',
                    name='organisation',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='credit_offers', to='vocaleyes.organisation', verbose_name='partner'),
                ),
                migrations.AlterField(
                    model_name='transfer',
                    name='organisation',
                    field=models.ForeignKey(blank=True, help_text='Who issued the credits (earn) or accepted them (spend).', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='vocaleyes.organisation', verbose_name='organisation'),
                ),
            ],
        ),
    ]
