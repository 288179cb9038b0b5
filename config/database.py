"""PostgreSQL connections that keep the plans of the statements every page runs.

Parsing and planning the joins behind a page's claims and their sources costs PostgreSQL more than running
them (the home page: about 9 ms of planning for 1 ms of execution). With server-side binding, psycopg
prepares a statement once it has run `prepare_threshold` times on a connection, and PostgreSQL keeps its plan.
"""

from django.db.backends.postgresql.base import ServerBindingCursor

# Statements whose best plan depends on their values: a full-text search (its words) and a range (Django's
# __year and __range lookups write BETWEEN).
PLANNED_FOR_THEIR_VALUES = ("websearch_to_tsquery(", " BETWEEN ")


class PlanEachSearchCursor(ServerBindingCursor):
    """Prepares every statement but a full-text search or a range, which PostgreSQL plans for their values
    each time.

    A kept (generic) plan is made for any values. For words, it reads the whole index for a word found in
    most of the archive, where a plan for that word stops after the first thousand matches (22 ms against 10
    at 100,000 pieces). For a range, it guesses 250 rows: a year of coverage (about 8,000 pieces) was joined
    and sorted whole for every page of the list (17 to 34 ms against 4 for page 50 of 2014, measured with
    bench/run.py's statements on the 100,000-piece archive).
    """

    def execute(self, query, params=None, *, prepare=None, **kwargs):
        """As psycopg's execute(); a statement holding websearch_to_tsquery( or BETWEEN runs unprepared
        unless the caller chose `prepare` itself.
        """
        if prepare is None and any(marker in str(query) for marker in PLANNED_FOR_THEIR_VALUES):
            prepare = False
        return super().execute(query, params, prepare=prepare, **kwargs)


def prepared_statement_options(threshold):
    """OPTIONS for a PostgreSQL database: prepare a statement once it has run `threshold` times."""
    return {
        "server_side_binding": True,
        "prepare_threshold": threshold,
        "cursor_factory": PlanEachSearchCursor,
    }
