"""What the two editorial groups may do to people's models, granted here by people itself.

Contributors add and edit drafts and submit them for review; they cannot publish or delete. Editors can do
all of that. Until the editorial/ layout (issue 14) press's migration 0003 granted these; a database made
before then has them already, and granting them again changes nothing.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = ["person", "organization", "neighbourhood", "place"]
PUBLISHABLE = ["person", "organization", "place"]
CONTRIBUTORS = [f"{action}_{model}" for model in MODELS for action in ("view", "add", "change")]
EDITORS = [
    *CONTRIBUTORS,
    *(f"delete_{model}" for model in MODELS),
    *(f"publish_{model}" for model in PUBLISHABLE),
]
GROUPS = {"Contributors": CONTRIBUTORS, "Editors": EDITORS}


def people_permissions(apps, database, codenames):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.using(database).filter(content_type__app_label="people", codename__in=codenames)


def grant(apps, schema_editor):
    # Permissions are normally made after all migrations have run; the groups need them now.
    database = schema_editor.connection.alias
    app_config = apps.get_app_config("people")
    models_module = getattr(app_config, "models_module", None)
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, using=database)
    app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    for name, codenames in GROUPS.items():
        group, _ = Group.objects.using(database).get_or_create(name=name)
        group.permissions.add(*people_permissions(apps, database, codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("people", "0004_calendar_range"),
    ]

    # Back before this migration, press's 0003 is what grants these rights: they stay.
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
