"""Provenance: the exact words of a piece (a Passage) that a claim rests on, and what every claim shares."""

import functools

from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404

from editorial.models import AuditedModel, NaturalKeyManager, live
from press import passages


class WithinCoverageQuerySet(models.QuerySet):
    """Rows that belong to a piece of coverage (passages, interview questions)."""

    def published(self):
        """The rows whose piece is on the site."""
        return self.filter(live("coverage__"))


class Passage(AuditedModel):
    """Exact words in a piece's stored text that a claim rests on."""

    coverage = models.ForeignKey(
        "press.Coverage",
        on_delete=models.PROTECT,
        related_name="passages",
        help_text="The piece whose stored text holds these words.",
    )
    slug = models.SlugField(
        max_length=100, help_text="Names the passage within its piece; the anchor of its highlight."
    )
    text = models.TextField(
        help_text="Copied exactly from the piece's text (curly or straight quotes both match)."
    )

    NATURAL_KEY = ("coverage__slug", "slug")

    objects = NaturalKeyManager.from_queryset(WithinCoverageQuerySet)()

    class Meta:
        ordering = ["coverage", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["coverage", "slug"], name="passage_slug_unique_in_coverage"),
        ]

    def __str__(self):
        return f"“{passages.excerpt(self.text, 80)}” ({self.coverage})"

    def get_absolute_url(self):
        """The piece's page, at the passage's highlight (#passage-<slug>)."""
        return f"{self.coverage.get_absolute_url()}#{self.anchor}"

    @property
    def anchor(self):
        """The id of the passage's highlight on the piece's page: "passage-<slug>"."""
        return f"passage-{self.slug}"

    def citing_claims(self):
        """Every claim (quote, milestone, appearance, recommendation, fact, credit) citing this passage."""
        claims = []
        for relation in self._meta.related_objects:
            if relation.one_to_many and relation.field.name == "passage":
                claims += relation.related_model._default_manager.filter(passage=self).order_by("pk")
        return claims

    def clean(self):
        """Model validation. ValidationError when the words do not occur in the piece's stored text (or it has
        none), or when changed words no longer hold what a claim citing this passage quotes.
        """
        super().clean()
        if self.coverage_id is None or not self.text:
            return
        if self.pk and not self._state.adding:
            for claim in self.citing_claims():
                words = (
                    getattr(claim, claim.QUOTED_FIELD, None) if getattr(claim, "QUOTED_FIELD", None) else None
                )
                if words and passages.locate(words, self.text) is None:
                    claim_name = f"{claim._meta.verbose_name} “{passages.excerpt(str(claim), 60)}”"
                    raise ValidationError(
                        {
                            "text": f"The {claim_name} cites words these no longer hold: "
                            f"“{passages.excerpt(words, 80)}”. Keep them, or change that claim first."
                        }
                    )
        source = f"the text of “{self.coverage}”"
        if not self.coverage.text:
            raise ValidationError(
                {"coverage": f"“{self.coverage}” has no stored text to cite; cite another piece."}
            )
        if error := passages.not_found_message(self.text, self.coverage.text, source):
            raise ValidationError({"text": error})


# What a claim's source link reads (includes/source.html, Coverage.source_label): the passage it points at,
# the piece and the outlet's name. The rest of those rows, a piece's whole text above all, stays in the
# database.
SOURCE_LINK_READS = {
    "passage": {"slug", "coverage"},
    "passage__coverage": {"slug", "status", "published_at", "headline", "kind", "outlet"},
    "passage__coverage__outlet": {"name"},
}


@functools.cache
def source_link_unread(model):
    """The field paths (list of str, e.g. "passage__coverage__text") with_source() defers for model:
    every concrete field of the rows its source link reaches that SOURCE_LINK_READS does not name. Cached per
    model.
    """
    unread = []
    for path, read in SOURCE_LINK_READS.items():
        related = model
        for name in path.split("__"):
            related = related._meta.get_field(name).related_model
        unread += [
            f"{path}__{field.name}"
            for field in related._meta.concrete_fields
            if not field.primary_key and field.name not in read
        ]
    return unread


# The same, as only()'s field paths: "passage__slug", "passage__coverage__headline"...
SOURCE_LINK_FIELDS = tuple(f"{path}__{name}" for path, read in SOURCE_LINK_READS.items() for name in read)


class SourceLinked(models.QuerySet):
    """A queryset of rows that cite a passage: with_source() fetches what their source link shows."""

    def with_source(self):
        """Each row with what its source link shows, fetched in the same query, and nothing more of it."""
        return self.select_related("passage__coverage__outlet").defer(*source_link_unread(self.model))

    def showing(self, *fields):
        """Each row with only `fields` (only()'s paths: the row's own, and those of relations the caller
        select_related()s) and what its source link shows, in one query: what a public page reads of a
        claim. Narrower rows are cheaper to build, and the query is cheaper to compile, than with_source()'s.
        """
        return self.select_related("passage__coverage__outlet").only(*fields, *SOURCE_LINK_FIELDS)


class ClaimQuerySet(SourceLinked):
    """Claims (quotes, milestones, appearances, recommendations, facts)."""

    def published(self):
        """The claims whose cited piece is on the site; an uncited claim never is. The people, places and
        works a claim names are not checked here.
        """
        return self.filter(live("passage__coverage__"))


class NotOnSiteYet(Http404, AttributeError):
    """An uncited claim's get_absolute_url(): it is on no page of the site yet. An AttributeError, as code
    asking a row without a page for its URL expects; an Http404, so that a view asking for it (contenttypes'
    shortcut behind the admin's "View on site" address) answers 404 rather than 500."""


class Cited(AuditedModel):
    """A claim drawn from coverage: it points at the exact passage of the piece it rests on.

    Until an editor finds that passage the claim is uncited: kept for the work in progress, listed in the
    admin's uncited claims, and never shown on the public site."""

    coverage = models.ForeignKey(
        "press.Coverage",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="%(class)ss",
        help_text="The piece the claim comes from; set from the passage once it is cited.",
    )
    passage = models.ForeignKey(
        Passage,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="%(class)ss",
        help_text="The words in a piece of coverage this rests on. Empty: not cited yet, and not shown "
        "on the site.",
    )

    # The field holding words that must stand, as written, in the cited passage (None: no such field).
    QUOTED_FIELD = None

    objects = NaturalKeyManager.from_queryset(ClaimQuerySet)()

    class Meta:
        abstract = True

    def cited_passage(self):
        """The Passage this claim cites; raises NotOnSiteYet while it cites none (an uncited claim has no
        page)."""
        if self.passage_id is None:
            raise NotOnSiteYet("An uncited claim is on no page of the site yet.")
        return self.passage

    @property
    def source(self):
        """The piece of coverage the claim cites (through its passage), or None while uncited."""
        return self.passage.coverage if self.passage_id else None

    @property
    def is_cited(self):
        """Whether the claim cites a passage."""
        return self.passage_id is not None

    def clean(self):
        """Model validation: the claim's piece is set from its passage, and ValidationError on QUOTED_FIELD
        when those words do not occur in the cited passage."""
        super().clean()
        if self.passage_id is None:
            return
        # The piece follows the passage, so the two can never disagree.
        self.coverage_id = self.passage.coverage_id
        if self.QUOTED_FIELD is None:
            return
        words = getattr(self, self.QUOTED_FIELD)
        if error := passages.not_found_message(words, self.passage.text, "the passage"):
            raise ValidationError({self.QUOTED_FIELD: error})

    def save(self, *args, **kwargs):
        """Saves, with the claim's piece set from its passage so the two never disagree."""
        if self.passage_id is not None:
            self.coverage_id = self.passage.coverage_id
        super().save(*args, **kwargs)
