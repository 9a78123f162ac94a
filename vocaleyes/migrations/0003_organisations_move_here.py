"""Organisations and their roles move here from conversations: every app builds on them.

State only: the tables keep their names (``conversations_organisation``,
``conversations_organisationrole``) and their rows. The content types move with the models, so
admin history and permissions given on them still point at the right model.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MODELS = ["organisation", "organisationrole"]


def _move_content_types(apps, schema_editor, source, target):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.using(schema_editor.connection.alias).filter(
        app_label=source, model__in=MODELS
    ).update(app_label=target)


def content_types_to_vocaleyes(apps, schema_editor):
    _move_content_types(apps, schema_editor, "conversations", "vocaleyes")


def content_types_to_conversations(apps, schema_editor):
    _move_content_types(apps, schema_editor, "vocaleyes", "conversations")


class Migration(migrations.Migration):

    dependencies = [
        ('conversations', '0009_comment_top_level_index'),
        ('vocaleyes', '0002_user_suspension'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay as they are; only where Django thinks the models live changes.
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='Organisation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name_en', models.CharField(blank=True, max_length=200, verbose_name='name (English)')),
                        ('name_cy', models.CharField(blank=True, max_length=200, verbose_name='name (Welsh)')),
                        ('slug', models.SlugField(max_length=80, unique=True, verbose_name='slug')),
                        ('kind', models.CharField(choices=[('local_authority', 'Local authority'), ('third_sector', 'Third-sector organisation'), ('community_group', 'Community group')], max_length=20, verbose_name='kind')),
                        ('level', models.CharField(choices=[('local', 'Local'), ('regional', 'Regional'), ('national', 'National')], default='local', max_length=10, verbose_name='level')),
                        ('created', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                    ],
                    options={
                        'verbose_name': 'organisation',
                        'verbose_name_plural': 'organisations',
                        'db_table': 'conversations_organisation',
                        'ordering': ['name_en'],
                        'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('name_en', ''), _negated=True), models.Q(('name_cy', ''), _negated=True), _connector='OR'), name='organisation_has_a_name', violation_error_message='Give the organisation a name in English or Welsh.')],
                    },
                ),
                migrations.CreateModel(
                    name='OrganisationRole',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('role', models.CharField(choices=[('facilitator', 'Facilitator')], default='facilitator', max_length=20, verbose_name='role')),
                        ('created', models.DateTimeField(auto_now_add=True, verbose_name='given')),
                        ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='roles', to='vocaleyes.organisation', verbose_name='organisation')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='organisation_roles', to=settings.AUTH_USER_MODEL, verbose_name='person')),
                    ],
                    options={
                        'verbose_name': 'organisation role',
                        'verbose_name_plural': 'organisation roles',
                        'db_table': 'conversations_organisationrole',
                        'constraints': [models.UniqueConstraint(fields=('organisation', 'user', 'role'), name='one_role_per_person')],
                    },
                ),
            ],
        ),
        migrations.RunPython(content_types_to_vocaleyes, content_types_to_conversations),
    ]
