"""Transfers record the language their memo was written in (a gift's message: WCAG 3.1.2).

Added with plain ALTER TABLE ... ADD COLUMN ... DEFAULT '' on both databases rather than Django's
AddField: on SQLite, AddField of a NOT NULL column rebuilds the table (a copy, DROP, rename),
and dropping the table would drop the ledger's append-only and balance triggers (migration 0002)
with it. ADD COLUMN with a constant default touches no row, so no UPDATE trigger fires either.
"""

from django.db import migrations, models

ADD = "ALTER TABLE timecredits_transfer ADD COLUMN memo_language varchar(2) DEFAULT '' NOT NULL"
DROP = "ALTER TABLE timecredits_transfer DROP COLUMN memo_language"


class Migration(migrations.Migration):

    dependencies = [
        ("timecredits", "0003_organisation_from_vocaleyes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(ADD, reverse_sql=DROP)],
            state_operations=[
                migrations.AddField(
                    model_name="transfer",
                    name="memo_language",
                    field=models.CharField(
                        blank=True,
                        choices=[("en", "English"), ("cy", "Cymraeg")],
                        default="",
                        max_length=2,
                        verbose_name="language of the memo",
                    ),
                ),
            ],
        ),
    ]
