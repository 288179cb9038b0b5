"""Searching coverage: PostgreSQL full-text search where the database has it, plain word matching elsewhere.

On PostgreSQL each piece keeps a search document, a generated column of weighted English lexemes (headline A,
summary B, text C) under a GIN index, and one of its headline and of its summary alone, each under its own; a
search is `websearch_to_tsquery` (quoted phrases, -exclusions, "or"), best matches first (best_first()). On
SQLite the same words and phrases are looked for in the three fields, case-insensitively.
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchVector, SearchVectorField
from django.db import connections
from django.db.models import Case, F, Func, Q, Subquery, Value, When
from django.db.models.functions import Left
from django.utils.deconstruct import deconstructible

CONFIG = "english"
WEIGHTS = {"headline": 3, "summary": 2, "text": 1}
NEWEST_FIRST = [F("date").desc(nulls_last=True), "headline"]
TERMS = re.compile(r'(-?)"([^"]*)"|(-?)(\S+)')


# PostgreSQL refuses a search document whose words take more than 1 MB ("string is too long for
# tsvector"), which a pasted text of distinct words reaches. Only the first characters of the summary and
# the text are indexed: at most 4 bytes a character in UTF-8, the three fields stay under that limit.
TSVECTOR_MAX_BYTES = 1_048_575
INDEXED_CHARACTERS = {"headline": 300, "summary": 20_000, "text": 200_000}
assert sum(INDEXED_CHARACTERS.values()) * 4 < TSVECTOR_MAX_BYTES


@deconstructible(path="press.search.WeightedDocument")
class WeightedDocument(Func):
    """The search document: weighted lexemes on PostgreSQL, NULL elsewhere (SQLite searches the fields).

    indexed: {field: characters}, how much of each field's start is indexed (INDEXED_CHARACTERS)."""

    output_field = SearchVectorField()

    def __init__(self, indexed=None):
        self.indexed = indexed
        weights = dict(zip(WEIGHTS, "ABC", strict=True))
        parts = [
            SearchVector(Left(field, indexed[field]) if indexed else field, weight=weight, config=CONFIG)
            for field, weight in weights.items()
        ]
        super().__init__(parts[0] + parts[1] + parts[2])

    def as_sql(self, compiler, connection, **extra_context):
        """The SQL of the weighted SearchVector sum (PostgreSQL)."""
        return compiler.compile(self.source_expressions[0])

    def as_sqlite(self, compiler, connection, **extra_context):
        """NULL: SQLite has no search document; search_coverage() reads the fields instead."""
        return "NULL", []


@deconstructible(path="press.search.FieldDocument")
class FieldDocument(Func):
    """The search document of one field alone (its first `characters`): English lexemes on PostgreSQL, NULL
    elsewhere. best_first() asks it whether a piece matches in its headline, or in its summary."""

    output_field = SearchVectorField()

    def __init__(self, field, characters):
        self.indexed_field, self.characters = field, characters
        super().__init__(SearchVector(Left(field, characters), config=CONFIG))

    def as_sql(self, compiler, connection, **extra_context):
        """The SQL of the SearchVector (PostgreSQL)."""
        return compiler.compile(self.source_expressions[0])

    def as_sqlite(self, compiler, connection, **extra_context):
        """NULL: SQLite has no search document; search_coverage() reads the fields instead."""
        return "NULL", []


def has_full_text_search(queryset):
    """Whether queryset's database is PostgreSQL, which has full-text search."""
    return connections[queryset.db].vendor == "postgresql"


def search_coverage(queryset, words):
    """Pieces matching every word or quoted phrase ("a or b" either), none of the -excluded, best first."""
    if not parse_terms(words):
        return queryset  # nothing to look for, such as a lone pair of quotes
    if has_full_text_search(queryset):
        # Ranked in best_first(), once every other filter has narrowed the matches.
        return queryset.filter(search_document=search_query(words))
    wanted = []
    for excluded, alternatives in parse_terms(words):
        found = Q()
        for term in alternatives:
            found |= Q(headline__icontains=term) | Q(summary__icontains=term) | Q(text__icontains=term)
        if excluded:
            queryset = queryset.exclude(found)
        else:
            queryset = queryset.filter(found)
            wanted += alternatives
    if not wanted:
        return queryset
    # Weighted as on PostgreSQL: a word in the headline counts most, then the summary, then the text.
    in_field = {
        field: Q.create([(f"{field}__icontains", term) for term in wanted], Q.OR) for field in WEIGHTS
    }
    rank = Case(*(When(in_field[field], then=Value(weight)) for field, weight in WEIGHTS.items()), default=0)
    return queryset.annotate(rank=rank).order_by("-rank", *NEWEST_FIRST)


def search_query(words):
    """The SearchQuery for words (str) as typed: websearch_to_tsquery with the English configuration."""
    return SearchQuery(words, config=CONFIG, search_type="websearch")


def best_first(matches, words, limit, *, unfiltered):
    """The matches (a queryset of pieces, filtered by search_coverage() and any other filter) best first,
    as far as the first `limit`: those matching a word or phrase sought (not a -word) in the headline,
    then in the summary, then the rest, each tier newest first. The same order as SQLite's fallback in
    search_coverage(), which these are on any other database (returned as they are).

    Best of the whole archive, not of the first matches an index yields, yet never ranking every match: a
    common word matches most of the archive. Each tier is its own query, newest first, cut at `limit`
    (an index on the tier's document, or the newest-first index read until `limit` are found, whichever
    the planner finds cheaper); the list's first `limit` rows are read from those at most 3 x `limit`
    pieces, taken back from `unfiltered` (the list before any filter) by primary key. The list needs
    only the rows up to the end of the page shown (CoverageFilter.rows_wanted), at most LIST_CAP + 1.
    Without a word sought (only -words), newest first.
    """
    if not has_full_text_search(matches) or not parse_terms(words):
        return matches
    sought = [term for excluded, terms in parse_terms(words) if not excluded for term in terms]
    if not sought:
        return matches.order_by(*NEWEST_FIRST)
    any_term = any_term_query(sought)
    in_headline, in_summary = Q(headline_document=any_term), Q(summary_document=any_term)

    # Below the headline's tier, the newest of the summary's and the newest of all the rest: those hold the
    # newest of the text's tier as far as the list needs them (when the summary's holds fewer than limit,
    # the rest's first limit hold at least limit minus that many of the text's, the newest). A tier of the
    # text alone would read every match of a common word to find the few it holds only in the text.
    # Neither is read when the headline's tier fills the list: its limit-th piece, found newest first as
    # the tier itself is read (the same index, the same cached rows), is a condition naming no row, which
    # PostgreSQL evaluates once, before them, and skips them.
    headline_tier = matches.filter(in_headline).order_by(*NEWEST_FIRST)
    below_headline = (
        matches.exclude(in_headline)
        .alias(headline_tier_end=Subquery(headline_tier.values("pk")[limit - 1 : limit]))
        .filter(headline_tier_end__isnull=True)
    )
    tiers = [headline_tier, below_headline.filter(in_summary), below_headline]
    first, *rest = (tier.order_by(*NEWEST_FIRST).values("pk")[:limit] for tier in tiers)
    tier = Case(When(in_headline, then=Value(3)), When(in_summary, then=Value(2)), default=Value(1))
    return (
        unfiltered.filter(pk__in=first.union(*rest, all=True))
        .annotate(rank=tier)
        .order_by("-rank", *NEWEST_FIRST)
    )


def any_term_query(terms):
    """The SearchQuery matching a document that holds any of terms (str: words, or phrases kept whole)."""
    queries = [search_query(f'"{term}"' if " " in term else term) for term in terms]
    any_term = queries[0]
    for query in queries[1:]:
        any_term |= query
    return any_term


def parse_terms(words):
    """[(excluded, [term, ...]), ...]: each group must match one of its terms (or must not, if excluded)."""
    groups, either = [], False
    for exclude_phrase, phrase, exclude_word, word in TERMS.findall(words):
        term = (phrase or word.strip('"')).strip()  # a stray quote, as websearch_to_tsquery reads it
        if not phrase and term.lower() == "or":
            either = bool(groups)
            continue
        if not term:
            continue
        excluded = bool(exclude_phrase or exclude_word)
        if either and not excluded and not groups[-1][0]:
            groups[-1][1].append(term)
        else:
            groups.append((excluded, [term]))
        either = False
    return groups
