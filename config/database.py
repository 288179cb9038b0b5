"""PostgreSQL connections that keep the plans of the statements every page runs.

Parsing and planning the joins behind a page's claims and their sources costs PostgreSQL more than running
them (the home page: about 9 ms of planning for 1 ms of execution). With server-side binding, psycopg
prepares a statement once it has run `prepare_threshold` times on a connection, and PostgreSQL keeps its plan.
"""

from django.db.backends.postgresql.base import ServerBindingCursor

FULL_TEXT_MATCH = "websearch_to_tsquery("


class PlanEachSearchCursor(ServerBindingCursor):
    """Prepares every statement but a full-text search, which PostgreSQL plans for its words each time.

    A kept plan is made for any words: it reads the whole index for a word found in most of the archive,
    where a plan for that word stops after the first thousand matches (22 ms against 10 at 100,000 pieces).
    """

    def execute(self, query, params=None, *, prepare=None, **kwargs):
        """As psycopg's execute(); a statement holding websearch_to_tsquery( runs unprepared unless the
        caller chose `prepare` itself.
        """
        if prepare is None and FULL_TEXT_MATCH in str(query):
            prepare = False
        return super().execute(query, params, prepare=prepare, **kwargs)


def prepared_statement_options(threshold):
    """OPTIONS for a PostgreSQL database: prepare a statement once it has run `threshold` times."""
    return {
        "server_side_binding": True,
        "prepare_threshold": threshold,
        "cursor_factory": PlanEachSearchCursor,
    }
