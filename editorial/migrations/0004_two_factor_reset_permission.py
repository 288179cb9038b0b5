"""Two-factor sign-in's way back from a lost device: a proxy of User (no table) whose permission "Can reset a
colleague's two-factor sign-in" the Editors group gets here, with the view permission of the admin's
"Two-factor sign-in of staff accounts" list (editorial.admin.twofactor). Contributors get neither: they ask an editor.
"""

import django.contrib.auth.models
from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = ["view_twofactoraccount", "reset_two_factor"]


def grant_to_editors(apps, schema_editor):
    # Permissions are normally made after all migrations have run; the group needs these now.
    database = schema_editor.connection.alias
    app_config = apps.get_app_config("editorial")
    models_module = getattr(app_config, "models_module", None)
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, using=database)
    app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.using(database).get_or_create(name="Editors")
    group.permissions.add(
        *Permission.objects.using(database).filter(content_type__app_label="editorial", codename__in=EDITORS)
    )


def take_back(apps, schema_editor):
    database = schema_editor.connection.alias
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.using(database).filter(
        content_type__app_label="editorial", content_type__model="twofactoraccount"
    ).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('auth', '0012_alter_user_first_name_max_length'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('editorial', '0003_drafts'),
    ]

    operations = [
        migrations.CreateModel(
            name='TwoFactorAccount',
            fields=[
            ],
            options={
                'verbose_name': 'two-factor sign-in of a staff account',
                'verbose_name_plural': 'two-factor sign-in of staff accounts',
                'ordering': ['username'],
                'permissions': [('reset_two_factor', "Can reset a colleague's two-factor sign-in")],
                'proxy': True,
                'indexes': [],
                'constraints': [],
            },
            bases=('auth.user',),
            managers=[
                ('objects', django.contrib.auth.models.UserManager()),
            ],
        ),
        migrations.RunPython(grant_to_editors, take_back),
    ]
