"""Indexes that read the same on PostgreSQL and SQLite."""

from django.contrib.postgres.indexes import GinIndex
from django.db.backends.ddl_references import Reference
from django.db.models import Index


class WithoutNullsLast(Reference):
    """An index's columns without "NULLS LAST", still following a renamed table: SQLite rebuilds a table
    under a temporary name and renames it, and a statement frozen into text would name the temporary one."""

    def __init__(self, columns):
        self.columns = columns

    def references_table(self, table):
        """As the wrapped columns reference."""
        return self.columns.references_table(table)

    def references_column(self, table, column):
        """As the wrapped columns reference."""
        return self.columns.references_column(table, column)

    def rename_table_references(self, old_table, new_table):
        """Renames in the wrapped columns, so that the index follows its table."""
        self.columns.rename_table_references(old_table, new_table)

    def rename_column_references(self, table, old_column, new_column):
        """Renames in the wrapped columns, so that the index follows its column."""
        self.columns.rename_column_references(table, old_column, new_column)

    def __str__(self):
        return str(self.columns).replace(" NULLS LAST", "")


class NullsLastIndex(Index):
    """An ordered index whose descending keys keep NULLs last, as the public lists order them.

    PostgreSQL must be told (its descending order puts NULLs first); SQLite cannot be told in an index, and
    needs no telling: its descending order already puts NULLs last.
    """

    def create_sql(self, model, schema_editor, using="", **kwargs):
        """Django's CREATE INDEX statement, without NULLS LAST on SQLite."""
        statement = super().create_sql(model, schema_editor, using=using, **kwargs)
        if schema_editor.connection.vendor == "sqlite":
            statement.parts["columns"] = WithoutNullsLast(statement.parts["columns"])
        return statement


class SearchDocumentIndex(GinIndex):
    """GIN on PostgreSQL; elsewhere the search document stays empty, and a plain index keeps step."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        """A GIN index on PostgreSQL, a B-tree index (Index) on any other database."""
        if schema_editor.connection.vendor != "postgresql":
            return Index.create_sql(self, model, schema_editor, **kwargs)
        return super().create_sql(model, schema_editor, using=using, **kwargs)
