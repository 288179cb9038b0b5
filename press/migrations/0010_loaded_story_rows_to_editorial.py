# The story loader moved to editorial/, and its record of loaded rows with it: the rows are copied to
# editorial's table, then press's is dropped. Reversible: going back copies them home again.

from django.db import migrations


def copy_rows(source, target):
    def copy(apps, schema_editor):
        database = schema_editor.connection.alias
        From, To = apps.get_model(*source), apps.get_model(*target)
        stored = set(To.objects.using(database).values_list("model", "natural_key"))
        To.objects.using(database).bulk_create(
            To(model=row.model, natural_key=row.natural_key, loaded_at=row.loaded_at)
            for row in From.objects.using(database).iterator()
            if (row.model, row.natural_key) not in stored
        )

    return copy


def forget_press_content_type(apps, schema_editor):
    # Its add/change/delete/view permissions go with it; no group was ever given them.
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.using(schema_editor.connection.alias).filter(
        app_label="press", model="loadedstoryrow"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("editorial", "0001_initial"),
        ("press", "0009_loaded_story_rows"),
    ]

    operations = [
        migrations.RunPython(
            copy_rows(("press", "LoadedStoryRow"), ("editorial", "LoadedStoryRow")),
            copy_rows(("editorial", "LoadedStoryRow"), ("press", "LoadedStoryRow")),
        ),
        migrations.RunPython(forget_press_content_type, migrations.RunPython.noop),
        migrations.DeleteModel(name="LoadedStoryRow"),
    ]
