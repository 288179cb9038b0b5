# The coverage list at 100,000 pieces (issue 17): "Outlet, A to Z" reads a page from an index on a copy of
# the outlet's name, and a search finds its best matches by tier (headline, summary, rest) through the
# headline's and the summary's own search documents.

import django.contrib.postgres.search
import press.indexes
import press.search
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_outlet_names(apps, schema_editor):
    """Each stored piece's outlet_name from its outlet, in one UPDATE."""
    Coverage = apps.get_model("press", "Coverage")
    Outlet = apps.get_model("press", "Outlet")
    names = Outlet.objects.using(schema_editor.connection.alias).filter(pk=OuterRef("outlet_id"))
    Coverage.objects.using(schema_editor.connection.alias).filter(outlet__isnull=False).update(
        outlet_name=Subquery(names.values("name")[:1])
    )


class Migration(migrations.Migration):

    dependencies = [
        ('press', '0011_coverage_report'),
    ]

    operations = [
        migrations.AddField(
            model_name='coverage',
            name='headline_document',
            field=models.GeneratedField(db_persist=True, expression=press.search.FieldDocument('headline', 300), output_field=django.contrib.postgres.search.SearchVectorField(null=True)),
        ),
        migrations.AddField(
            model_name='coverage',
            name='outlet_name',
            field=models.CharField(blank=True, editable=False, max_length=200, null=True),
        ),
        migrations.AddField(
            model_name='coverage',
            name='summary_document',
            field=models.GeneratedField(db_persist=True, expression=press.search.FieldDocument('summary', 20000), output_field=django.contrib.postgres.search.SearchVectorField(null=True)),
        ),
        migrations.AddIndex(
            model_name='coverage',
            index=press.indexes.SearchDocumentIndex(fields=['headline_document'], name='coverage_headline_document'),
        ),
        migrations.AddIndex(
            model_name='coverage',
            index=press.indexes.SearchDocumentIndex(fields=['summary_document'], name='coverage_summary_document'),
        ),
        migrations.AddIndex(
            model_name='coverage',
            index=models.Index(fields=['outlet_name', 'headline'], name='coverage_outlet_a_to_z'),
        ),
        # Last: PostgreSQL alters no table holding the deferred checks of rows updated in the same transaction.
        migrations.RunPython(copy_outlet_names, migrations.RunPython.noop, elidable=True),
    ]
