"""The one Site that redirects belong to, named after the press room, and who may edit redirects.

Editors view, add, change and delete redirects (the admin's Redirects list; the site writes them itself as
pages move or go, editorial.redirects); Contributors view them, to see where an old address leads. The Site
is made here rather than by django.contrib.sites' post_migrate default ("example.com"), so that its name says
what it is; its domain is used for no link (config/settings/base.py, SITE_ID). A Site already there is left
as it is.
"""

from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.core.management.color import no_style
from django.db import migrations

GROUPS = {
    "Contributors": ["view_redirect"],
    "Editors": ["view_redirect", "add_redirect", "change_redirect", "delete_redirect"],
}


def name_site_and_grant(apps, schema_editor):
    database = schema_editor.connection.alias
    Site = apps.get_model("sites", "Site")
    if not Site.objects.using(database).filter(pk=settings.SITE_ID).exists():
        Site.objects.using(database).create(pk=settings.SITE_ID, domain="localhost", name=settings.SITE_NAME)
        # An explicit key leaves PostgreSQL's sequence behind: reset it, as django.contrib.sites' own default
        # does, so that a Site added later in the admin gets a free key.
        with schema_editor.connection.cursor() as cursor:
            for command in schema_editor.connection.ops.sequence_reset_sql(no_style(), [Site]):
                cursor.execute(command)
    # Permissions are normally made after all migrations have run; the groups need them now.
    app_config = apps.get_app_config("redirects")
    models_module = getattr(app_config, "models_module", None)
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, using=database)
    app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS.items():
        group, _ = Group.objects.using(database).get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.using(database).filter(
                content_type__app_label="redirects", codename__in=codenames
            )
        )


def take_back(apps, schema_editor):
    # The groups' other rights stay (other migrations grant them), and so does the Site, which redirects use.
    database = schema_editor.connection.alias
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.using(database).filter(name__in=GROUPS):
        group.permissions.remove(*Permission.objects.using(database).filter(content_type__app_label="redirects"))


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("sites", "0002_alter_domain_unique"),
        ("redirects", "0002_alter_redirect_new_path_help_text"),
        ("editorial", "0001_initial"),
    ]

    operations = [migrations.RunPython(name_site_and_grant, take_back)]
