# The search document indexes the first part of long fields (press.search.INDEXED_CHARACTERS): PostgreSQL
# cannot change a generated column's expression in place, so the column and its index are made again.

import django.contrib.postgres.search
import press.indexes
import press.search
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('press', '0007_calendar_range_and_claim_rules'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='coverage',
            name='coverage_search_document',
        ),
        migrations.RemoveField(
            model_name='coverage',
            name='search_document',
        ),
        migrations.AddField(
            model_name='coverage',
            name='search_document',
            field=models.GeneratedField(db_persist=True, expression=press.search.WeightedDocument({'headline': 300, 'summary': 20000, 'text': 200000}), output_field=django.contrib.postgres.search.SearchVectorField(null=True)),
        ),
        migrations.AddIndex(
            model_name='coverage',
            index=press.indexes.SearchDocumentIndex(fields=['search_document'], name='coverage_search_document'),
        ),
    ]
