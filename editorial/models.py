"""What every model editors keep shares, whatever app it is in: what "public" means (a publication status
and `published()`), who made and last changed a row and when, natural keys so that fixtures refer to rows by
name instead of by id, and social cards. Abstract models: no table of theirs. The tables are the story
loader's own record, LoadedStoryRow, drafts of rows on the site (Draft), and the sessions each user signed
in to (UserSession); SignInLockout is django-axes' record of failed sign-ins, as lockouts editors lift, and
TwoFactorAccount, a proxy of User, carries the permission to reset a colleague's two-factor sign-in."""

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from editorial import cards
from editorial.validators import WithinCalendar, without_control_characters


class PublicationStatus(models.TextChoices):
    """Where a row is in the workflow: draft and in review are never public; published is public once its
    published_at (if any) has come.
    """

    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"


class NaturalKeyManager(models.Manager):
    """Finds a row by the lookups its model names in NATURAL_KEY, e.g. ("slug",)."""

    def get_by_natural_key(self, *values):
        """The row whose NATURAL_KEY lookups equal values, in order; DoesNotExist or
        MultipleObjectsReturned as get() raises them, ValueError for the wrong number of values.
        """
        return self.get(**dict(zip(self.model.NATURAL_KEY, values, strict=True)))


class AuditedModel(models.Model):
    """A row editors keep: found by its natural key, and it remembers who made and last changed it (the
    admin stamps created_by/updated_by; times are aware, stored in UTC)."""

    NATURAL_KEY = ("slug",)

    # Defaults rather than auto_now: fixtures are saved raw, which skips auto_now but keeps defaults.
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, editable=False, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, editable=False, related_name="+"
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        """Saves with updated_at set to now (UTC), added to update_fields when those are given."""
        self.updated_at = timezone.now()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "updated_at"}
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None):
        """Removes what XML cannot carry from every text field validated (see NOT_IN_XML), then validates."""
        for field in self._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField) and field.name not in (exclude or ()):
                value = getattr(self, field.attname)
                if isinstance(value, str):
                    setattr(self, field.attname, without_control_characters(value))
        super().clean_fields(exclude)

    def natural_key(self):
        """The row's natural key: a tuple of the values NATURAL_KEY's lookups reach ("outlet__slug" follows
        the relation), None where a relation is empty.
        """
        values = []
        for lookup in self.NATURAL_KEY:
            value = self
            for attribute in lookup.split("__"):
                value = getattr(value, attribute, None)
            values.append(value)
        return tuple(values)


def live(prefix=""):
    """The condition for a publishable row, or the one a relation leads to, to be on the public site:
    published, and its publication time (if any) has come. No cron job: it is compared at each query."""
    return Q(**{f"{prefix}status": PublicationStatus.PUBLISHED}) & (
        Q(**{f"{prefix}published_at__isnull": True}) | Q(**{f"{prefix}published_at__lte": timezone.now()})
    )


class PublishableQuerySet(models.QuerySet):
    """Rows of a publishable model."""

    def published(self):
        """The rows on the public site now (live()): the one definition views, feeds and the sitemap use."""
        return self.filter(live())


class PublishableModel(AuditedModel):
    """A row the public site shows once published: `objects.published()` is the one definition of public."""

    status = models.CharField(
        max_length=12,
        choices=PublicationStatus,
        default=PublicationStatus.DRAFT,
        help_text="Only published rows appear on the public site. Contributors submit drafts for review; "
        "editors publish.",
    )
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        validators=[WithinCalendar()],
        help_text="When it goes public. A future time keeps a published row hidden until then; empty means "
        "at once. Set when an editor publishes.",
    )

    objects = NaturalKeyManager.from_queryset(PublishableQuerySet)()

    class Meta:
        abstract = True

    @property
    def is_published(self):
        """Whether the row is on the public site now: the same rule as live(), in Python."""
        return self.status == PublicationStatus.PUBLISHED and (
            self.published_at is None or self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self):
        """Whether the row is published with a published_at still ahead (hidden until then)."""
        return self.status == PublicationStatus.PUBLISHED and not self.is_published


class SocialCardMixin:
    """A model with a social card image (editorial.cards): it names its CARD_KIND and says, in card_text(),
    what the card shows as a (title, subtitle) pair of str."""

    CARD_KIND = ""
    CARD_SELECT_RELATED = []  # what card_text() reads beyond the row, fetched with it

    def card_text(self):
        """(title, subtitle): the two str the card shows. Each model with a card defines it."""
        raise NotImplementedError

    @property
    def card_url(self):
        """The card's path (str, no host), with ?v= the wording's hash so that an edit gets a new address
        past every cache.
        """
        path = reverse("editorial:card", kwargs={"kind": self.CARD_KIND, "slug": self.slug})
        return f"{path}?v={cards.version(*self.card_text())}"


class LoadedStoryRow(models.Model):
    """A row of the story (fixtures/) that `load_story` once added or found in place, by model and natural
    key: the load then tells a row an editor deleted (left deleted) from one the story adds in a new release.

    Not edited in the admin: it is the loader's own record. Deleting an entry here lets the next load add
    that row again."""

    model = models.CharField(max_length=100, help_text="App label and model name, e.g. press.coverage.")
    natural_key = models.TextField(help_text='The natural key as compact JSON, e.g. ["first-kiss"].')
    loaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["model", "natural_key"]
        constraints = [
            # Not "loaded_story_row_once": PostgreSQL names constraints per schema, and press's table (its
            # rows moved here by press 0010) holds that name until that migration drops it.
            models.UniqueConstraint(fields=["model", "natural_key"], name="story_row_loaded_once"),
        ]

    def __str__(self):
        return f"{self.model} {self.natural_key}"


class Draft(models.Model):
    """A change to a row on the site, saved but not public: the row as the change would leave it, kept as a
    reversion Revision (one Version per row: the row and its inline rows) beside the version it was made
    from, and applied (what it changed from that version) only when an editor publishes it.
    Every draft save is a Draft of its own; the newest open one (draft or submitted) is the one
    the change form and the staff preview show, the older ones stay in the history as "superseded"."""

    class State(models.TextChoices):
        """Where a draft is: open (draft, submitted for review) or closed (superseded by a newer draft,
        published, discarded)."""

        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted for review"
        SUPERSEDED = "superseded", "Superseded by a newer draft"
        PUBLISHED = "published", "Published"
        DISCARDED = "discarded", "Discarded"

    OPEN = [State.DRAFT, State.SUBMITTED]

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    object_id = models.CharField(max_length=191, help_text="The primary key of the row it changes.")
    revision = models.OneToOneField("reversion.Revision", on_delete=models.CASCADE, related_name="draft")
    base_revision = models.ForeignKey(
        "reversion.Revision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The version the draft was made from: publishing applies only what the draft changed from "
        "it, so what changed on the row since is kept.",
    )
    state = models.CharField(max_length=12, choices=State, default=State.DRAFT)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-revision__date_created", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "state"], name="draft_of_row")]

    def __str__(self):
        return f"{self.get_state_display()} of {self.content_type.name} {self.object_id}"

    @classmethod
    def open_for(cls, obj):
        """The open draft of obj (a model instance), the newest, with its revision and user; or None."""
        return (
            cls.objects.filter(
                content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk), state__in=cls.OPEN
            )
            .select_related("revision__user")
            .first()
        )

    def close(self, state, user):
        """Closes this draft and every older open one of its row as state (superseded, published or
        discarded), by user, now (UTC)."""
        Draft.objects.filter(
            content_type=self.content_type, object_id=self.object_id, state__in=self.OPEN
        ).update(state=state, closed_at=timezone.now(), closed_by=user)


class TwoFactorAccount(User):
    """A staff account seen for its two-factor sign-in (a proxy of auth's User: no table of its own).

    It gives the way back from a lost device a permission with a content type of its own, "Can reset a
    colleague's two-factor sign-in" (reset_two_factor), which migration editorial.0004 grants to the Editors
    group; the admin's "Two-factor sign-in of staff accounts" list (editorial.admin.twofactor) offers the
    reset to whoever has it. The devices themselves are django-otp's (editorial.twofactor)."""

    class Meta:
        proxy = True
        ordering = ["username"]
        verbose_name = "two-factor sign-in of a staff account"
        verbose_name_plural = "two-factor sign-in of staff accounts"
        permissions = [("reset_two_factor", "Can reset a colleague's two-factor sign-in")]

    def __str__(self):
        return self.get_username()

    def get_absolute_url(self):
        """The account's page in the admin's list of two-factor sign-in (no public page)."""
        return reverse("admin:editorial_twofactoraccount_change", args=[self.pk])


class UserSession(models.Model):
    """A session a user signed in to, by its key: what "Sign out everywhere" ends (editorial.sessions), with
    any session engine but signed cookies, which keep nothing on the server to delete. Written at sign-in
    and when a session's key changes (a password change gives the session a new key); removed at sign-out."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signed_in_sessions"
    )
    session_key = models.CharField(max_length=40, unique=True)
    signed_in_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-signed_in_at"]
        verbose_name = "sign-in"
        verbose_name_plural = "your sign-ins"

    def __str__(self):
        return f"{self.user} since {self.signed_in_at:%Y-%m-%d %H:%M}"


class SignInLockout(AccessAttempt):
    """django-axes' failed sign-ins (AccessAttempt: a username from an address, with a count), seen in the
    admin as the lockouts they add up to (editorial.accounts.current_lockouts). A proxy: no table of its
    own; it carries the permission to lift a lockout, which migration 0004 gives the Editors group."""

    class Meta:
        proxy = True
        verbose_name = "sign-in lockout"
        verbose_name_plural = "sign-in lockouts"
        permissions = [("unlock_account", "Can lift a colleague's sign-in lockout")]
