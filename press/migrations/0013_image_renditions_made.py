# Which renditions of each image are in storage, recorded on its row so that pages ask the storage nothing
# (editorial.images). The rows that have an image get their record now: the storage is asked once, here, and
# any rendition missing is made.

from django.db import migrations, models

from editorial.images import record_renditions_of

def record_field():
    return models.JSONField(
        blank=True,
        default=dict,
        editable=False,
        help_text="The renditions of the image in storage (renditions_record()); {} when not known.",
    )


def record_renditions(apps, schema_editor):
    for name in ("Coverage", "Work"):
        record_renditions_of(apps.get_model("press", name), schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("press", "0012_coverage_outlet_sort_and_search_tiers"),
    ]

    operations = [
        migrations.AddField(model_name="coverage", name="image_renditions_made", field=record_field()),
        migrations.AddField(model_name="work", name="image_renditions_made", field=record_field()),
        migrations.RunPython(record_renditions, migrations.RunPython.noop),
    ]
