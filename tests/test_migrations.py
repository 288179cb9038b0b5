"""A database made before the editorial/ layout (issue 14) migrates forward without losing a row: the
migrations are taken back to where that commit left them, then forward again, on the whole story."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE_EDITORIAL = [
    ("people", "0004_calendar_range"),
    ("press", "0009_loaded_story_rows"),
    ("editorial", None),
]
MOVED = {"press_loadedstoryrow": "editorial_loadedstoryrow"}
NOT_DATA = {"django_migrations"}


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def rows(columns=None):
    """{table: set of row tuples} for every table in the database; of the columns columns gives for a
    table ({table: [column, ...]}, a column a later migration added being no loss), else of all of them."""
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor)) - NOT_DATA
        snapshot = {}
        for table in sorted(tables):
            names = columns.get(table) if columns else None
            selected = ", ".join(connection.ops.quote_name(name) for name in names) if names else "*"
            cursor.execute(f"SELECT {selected} FROM {connection.ops.quote_name(table)}")
            snapshot[table] = set(cursor.fetchall())
    return snapshot


def column_names():
    """{table: [column, ...]} for every table in the database."""
    with connection.cursor() as cursor:
        return {
            table: [column.name for column in connection.introspection.get_table_description(cursor, table)]
            for table in set(connection.introspection.table_names(cursor)) - NOT_DATA
        }


def story_rows_loaded(table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT model, natural_key, loaded_at FROM {table}")
        return set(cursor.fetchall())


@pytest.mark.django_db(transaction=True)
def test_a_database_made_before_the_editorial_app_migrates_forward_without_losing_a_row(editorial_groups):
    call_command("load_story", verbosity=0)
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    migrate(BEFORE_EDITORIAL)
    before, columns_before = rows(), column_names()
    loaded_before = story_rows_loaded("press_loadedstoryrow")
    assert "editorial_loadedstoryrow" not in before
    assert len(loaded_before) > 100

    migrate(leaves)

    after = rows(columns_before)
    assert story_rows_loaded("editorial_loadedstoryrow") == loaded_before
    assert "press_loadedstoryrow" not in after
    for table, stored in before.items():
        if table in MOVED:
            continue
        lost = stored - after[table]
        if table in ("django_content_type", "auth_permission"):
            # At most press's content type for its record of loaded rows, gone with its table, and that
            # model's default permissions.
            assert all("loadedstoryrow" in str(row) for row in lost), (table, lost)
        else:
            assert not lost, (table, len(lost))


def group_rights():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT g.name, p.codename FROM auth_group_permissions gp"
            " JOIN auth_group g ON g.id = gp.group_id JOIN auth_permission p ON p.id = gp.permission_id"
        )
        return set(cursor.fetchall())


@pytest.mark.django_db(transaction=True)
def test_taking_press_migrations_back_and_forward_keeps_every_groups_rights(editorial_groups):
    rights = group_rights()
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    assert {name for name, codename in rights if codename == "publish_person"} == {"Editors"}

    migrate([("press", "0002_editorial_workflow_audit_and_images")])
    migrate(leaves)

    assert group_rights() == rights
