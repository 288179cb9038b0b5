"""Sign-in lockouts editors lift, and the sessions "Sign out everywhere" ends (issue 18).

SignInLockout, a proxy of django-axes' AccessAttempt, carries the permission unlock_account, given here to
the Editors group (Contributors do not get it); UserSession records the sessions each user signed in to.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models


def grant_unlock_to_editors(apps, schema_editor):
    # Permissions are normally made after all migrations have run; the group needs this one now.
    database = schema_editor.connection.alias
    app_config = apps.get_app_config("editorial")
    models_module = getattr(app_config, "models_module", None)
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, using=database)
    app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    unlock = Permission.objects.using(database).get(content_type__app_label="editorial", codename="unlock_account")
    group, _ = Group.objects.using(database).get_or_create(name="Editors")
    group.permissions.add(unlock)


def take_back(apps, schema_editor):
    database = schema_editor.connection.alias
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.using(database).filter(
        content_type__app_label="editorial", codename="unlock_account"
    ).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('auth', '0012_alter_user_first_name_max_length'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('axes', '0010_accessattemptexpiration'),
        ('editorial', '0003_drafts'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='SignInLockout',
            fields=[
            ],
            options={
                'verbose_name': 'sign-in lockout',
                'verbose_name_plural': 'sign-in lockouts',
                'permissions': [('unlock_account', "Can lift a colleague's sign-in lockout")],
                'proxy': True,
                'indexes': [],
                'constraints': [],
            },
            bases=('axes.accessattempt',),
        ),
        migrations.CreateModel(
            name='UserSession',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('session_key', models.CharField(max_length=40, unique=True)),
                ('signed_in_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='signed_in_sessions', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'sign-in',
                'verbose_name_plural': 'your sign-ins',
                'ordering': ['-signed_in_at'],
            },
        ),
        migrations.RunPython(grant_unlock_to_editors, take_back),
    ]
