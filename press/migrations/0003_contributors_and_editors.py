"""The two editorial groups, with exact permissions.

Contributors add and edit drafts and submit them for review; they cannot publish, feature or delete.
Editors can do all of that. Later models get their permissions in a later migration, on purpose: a group's
rights change only when someone writes down that they should.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# people's own models get their rights in people's migration 0005 (this one granted them until the
# editorial/ layout of issue 14; a database made before it keeps them, granted once more there).
MODELS = {
    "press": [
        "outlet",
        "work",
        "credit",
        "coverage",
        "passage",
        "interviewquestion",
        "quote",
        "milestone",
        "appearance",
        "recommendation",
        "fact",
    ],
}
PUBLISHABLE = ["outlet", "work", "coverage"]

CONTRIBUTORS = [
    (app, f"{action}_{model}")
    for app, models in MODELS.items()
    for model in models
    for action in ("view", "add", "change")
]
EDITORS = [
    *CONTRIBUTORS,
    *((app, f"delete_{model}") for app, models in MODELS.items() for model in models),
    *(
        (app, f"publish_{model}")
        for app, models in MODELS.items()
        for model in models
        if model in PUBLISHABLE
    ),
]
GROUPS = {"Contributors": CONTRIBUTORS, "Editors": EDITORS}


def make_groups(apps, schema_editor):
    # Permissions are normally made after all migrations have run; the groups need them now.
    for app_config in apps.get_app_configs():
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, using=schema_editor.connection.alias)
        app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in GROUPS.items():
        group, _ = Group.objects.using(schema_editor.connection.alias).get_or_create(name=name)
        permissions = [
            Permission.objects.using(schema_editor.connection.alias).get(
                content_type__app_label=app, codename=codename
            )
            for app, codename in wanted
        ]
        group.permissions.add(*permissions)


def remove_groups(apps, schema_editor):
    # Takes back only press's rights: people grants its own (people 0005), which stay through a round trip
    # back and forth over this migration. A group left with no rights at all goes.
    database = schema_editor.connection.alias
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.using(database).filter(name__in=GROUPS):
        group.permissions.remove(*Permission.objects.using(database).filter(content_type__app_label="press"))
        if not group.permissions.exists():
            group.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("people", "0002_editorial_workflow_audit_and_images"),
        ("press", "0002_editorial_workflow_audit_and_images"),
    ]

    operations = [migrations.RunPython(make_groups, remove_groups)]
