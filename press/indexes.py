"""Indexes that read the same on PostgreSQL and SQLite."""

from django.contrib.postgres.indexes import GinIndex
from django.db.models import Index


class NullsLastIndex(Index):
    """An ordered index whose descending keys keep NULLs last, as the public lists order them.

    PostgreSQL must be told (its descending order puts NULLs first); SQLite cannot be told in an index, and
    needs no telling: its descending order already puts NULLs last.
    """

    def create_sql(self, model, schema_editor, using="", **kwargs):
        statement = super().create_sql(model, schema_editor, using=using, **kwargs)
        if schema_editor.connection.vendor == "sqlite":
            return str(statement).replace(" NULLS LAST", "")
        return statement


class SearchDocumentIndex(GinIndex):
    """GIN on PostgreSQL; elsewhere the search document stays empty, and a plain index keeps step."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return Index.create_sql(self, model, schema_editor, **kwargs)
        return super().create_sql(model, schema_editor, using=using, **kwargs)
