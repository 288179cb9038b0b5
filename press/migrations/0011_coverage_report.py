# The coverage report: its permission, granted to the Editors group (contributors do not see the report), and
# two indexes its counts are read from without reading the pieces' wide rows (press.reports).

from django.contrib.auth.management import create_permissions
from django.db import migrations, models


def grant_to_editors(apps, schema_editor):
    # Permissions are normally made after all migrations have run; the group needs this one now.
    database = schema_editor.connection.alias
    app_config = apps.get_app_config("press")
    models_module = getattr(app_config, "models_module", None)
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, using=database)
    app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    report = Permission.objects.using(database).get(
        content_type__app_label="press", codename="view_coverage_report"
    )
    group, _ = Group.objects.using(database).get_or_create(name="Editors")
    group.permissions.add(report)


def take_back(apps, schema_editor):
    database = schema_editor.connection.alias
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.using(database).filter(
        content_type__app_label="press", codename="view_coverage_report"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("press", "0010_loaded_story_rows_to_editorial"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="coverage",
            options={
                "ordering": [models.OrderBy(models.F("date"), descending=True, nulls_last=True), "headline"],
                "permissions": [
                    ("publish_coverage", "Can publish, unpublish and feature coverage"),
                    ("view_coverage_report", "Can view the coverage report"),
                ],
                "verbose_name": "piece of coverage",
                "verbose_name_plural": "coverage",
            },
        ),
        migrations.AddIndex(
            model_name="coverage",
            index=models.Index(
                fields=["status", "date", "published_at", "outlet", "kind", "stance", "id"], name="coverage_report"
            ),
        ),
        migrations.AddIndex(
            model_name="quote",
            index=models.Index(fields=["coverage", "speaker"], name="quote_report"),
        ),
        migrations.RunPython(grant_to_editors, take_back),
    ]
