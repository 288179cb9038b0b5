"""How editors work in the admin, for every model of every app: who changed what (and the history that
says so), the draft -> in review -> published workflow with its permissions, and image thumbnails."""

import json

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import ActionLocation
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import model_ngettext
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from reversion.errors import RevertError

from editorial.admin.filters import bounded_list_filter
from editorial.admin.hardening import HardenedAdmin
from editorial.admin.versions import DraftsAdmin, VersionedAdmin
from editorial.models import AuditedModel, PublicationStatus, live

AUDIT_FIELDS = ("created_at", "created_by", "updated_at", "updated_by")
BOTH_PLACES = [ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM]


def stamp(obj, user):
    """Records who made and who last changed a row."""
    if not isinstance(obj, AuditedModel):
        return
    if obj._state.adding:
        obj.created_by = user
    obj.updated_by = user


def shown_value(field, value):
    """A form value as an editor recognises it in the history: a label, a name, or short words."""
    if value in (None, "", [], ()) or (isinstance(value, FieldFile) and not value):
        return "(empty)"
    if value is False and isinstance(field, forms.FileField):
        return "(removed)"
    if isinstance(field, forms.ModelMultipleChoiceField):
        names = sorted(str(item) for item in value)
        return ", ".join(names) if names else "(none)"
    if isinstance(field, forms.ModelChoiceField) and not hasattr(value, "pk"):
        value = field.queryset.filter(pk=value).first() or value
    elif isinstance(field, forms.BooleanField):
        return "yes" if value else "no"
    elif getattr(field, "choices", None) and not isinstance(field, forms.ModelChoiceField):
        value = dict(field.choices).get(value, value)
    elif hasattr(value, "name") and isinstance(field, forms.FileField):
        value = value.name
    return f"“{Truncator(str(value)).chars(60)}”"


class AuditedAdmin(HardenedAdmin, VersionedAdmin):
    """Stamps who made and changed each row (shown read-only), writes what changed into its history, and keeps
    a version of every save (VersionedAdmin)."""

    show_facets = admin.ShowFacets.ALWAYS
    list_per_page = 50

    def get_list_filter(self, request):
        """Django's list filters, each filter by a related model listing only the most used related rows
        (editorial.admin.filters): the facets count every listed choice in one query, one column each.
        """
        return [bounded_list_filter(self.model, entry) for entry in super().get_list_filter(request)]

    def get_readonly_fields(self, request, obj=None):
        """Django's read-only fields, plus the four audit fields on a change form (not on an add form)."""
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, *AUDIT_FIELDS] if obj is not None else fields

    def get_fieldsets(self, request, obj=None):
        """Django's fieldsets; an admin that declares fieldsets gets a last "Record" fieldset with the
        audit fields on a change form.
        """
        fieldsets = super().get_fieldsets(request, obj)
        if self.fieldsets and obj is not None:
            fieldsets = [*fieldsets, ("Record", {"fields": [AUDIT_FIELDS[:2], AUDIT_FIELDS[2:]]})]
        return fieldsets

    def save_model(self, request, obj, form, change):
        """Stamps the row (created_by on add, updated_by always) with the signed-in user, then saves it."""
        stamp(obj, request.user)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        """Deletes the rows marked for deletion and saves each other row through save_inline_row(), so
        that inline rows are stamped like the row itself.
        """
        instances = formset.save(commit=False)
        for deleted in formset.deleted_objects:
            deleted.delete()
        for instance in instances:
            self.save_inline_row(request, instance)
        formset.save_m2m()

    def save_inline_row(self, request, instance):
        """Stamps and saves one inline row (a model instance); subclasses extend it for rows that need
        more."""
        stamp(instance, request.user)
        instance.save()

    def construct_change_message(self, request, form, formsets, add=False):
        """Django's summary (fields and inline rows changed), then each changed field's old and new value."""
        message = super().construct_change_message(request, form, formsets, add)
        if add or not form.changed_data:
            return message
        summary = LogEntry(change_message=json.dumps(message)).get_change_message()
        changes = [
            f"{form.fields[name].label}: {shown_value(form.fields[name], form.initial.get(name))} → "
            f"{shown_value(form.fields[name], form.cleaned_data.get(name))}"
            for name in form.changed_data
            if name in form.fields
        ]
        return f"{summary} {'; '.join(changes)}."


def with_disabled_fields(form_class, names=None):
    """The form class with the named fields (all, by default) shown but disabled: a POST cannot set them."""

    class LockedForm(form_class):
        """form_class with the named fields disabled."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            for name in self.fields if names is None else names:
                self.fields[name].disabled = True

    LockedForm.__name__ = f"Locked{form_class.__name__}"
    return LockedForm


class PublicationFilter(admin.SimpleListFilter):
    """The list filter by publication: draft, in review, scheduled (published with published_at still ahead),
    or on the site (published and due: editorial.models.live()).
    """

    title = "publication"
    parameter_name = "publication"

    def lookups(self, request, model_admin):
        return [
            (PublicationStatus.DRAFT, "Draft"),
            (PublicationStatus.IN_REVIEW, "In review"),
            ("scheduled", "Scheduled"),
            ("live", "On the site"),
        ]

    def get_facet_counts(self, pk_attname, filtered_qs):
        """Each choice's count (Django's "<i>__c" names) as a condition on the row itself: Django's
        default, "pk IN (the choice's rows)", read the table again for every choice (0.9 s of the
        coverage list at 100,000 pieces)."""
        now = timezone.now()
        conditions = [
            Q(status=PublicationStatus.DRAFT),
            Q(status=PublicationStatus.IN_REVIEW),
            Q(status=PublicationStatus.PUBLISHED, published_at__gt=now),
            live(),
        ]
        return {f"{i}__c": Count(pk_attname, filter=condition) for i, condition in enumerate(conditions)}

    def queryset(self, request, queryset):
        match self.value():
            case "live":
                return queryset.filter(live())
            case "scheduled":
                return queryset.filter(status=PublicationStatus.PUBLISHED).exclude(live())
            case PublicationStatus.DRAFT | PublicationStatus.IN_REVIEW:
                return queryset.filter(status=self.value())
        return queryset


def row_change_action(permission, description, description_plural, changer, words, location=BOTH_PLACES):
    """An admin action that changes each selected row it applies to, through change_each().

    permission: what it needs ("publish", "change"); changer(): a new function obj -> bool that changes obj
    and says whether it did (made once a run, so it may hold the run's state); words: (what was done, the
    history message, why a row was left alone), e.g. ("published", "Published.", "already published")."""

    @admin.action(
        permissions=[permission],
        description=description,
        description_plural=description_plural,
        location=location,
    )
    def action(modeladmin, request, queryset):
        """Runs change_each() over the selection with a fresh changer."""
        modeladmin.change_each(request, queryset, changer(), *words)

    return action


def publishing_now():
    """A changer for row_change_action(): publishes each row not yet on the site, all with one published_at
    (the time the action runs, UTC); returns False for a row already on the site.
    """
    now = timezone.now()  # one time for the whole selection

    def publish_now(obj):
        """Publishes obj (not saved) unless it is on the site; whether it changed it."""
        if obj.is_published:
            return False
        obj.status, obj.published_at = PublicationStatus.PUBLISHED, now
        return True

    return publish_now


def back_to_draft(obj):
    """Puts a published row (scheduled or on the site) back to draft, not saved; whether it changed it."""
    if obj.status != PublicationStatus.PUBLISHED:
        return False
    obj.status = PublicationStatus.DRAFT
    return True


def to_review(obj):
    """Submits a draft for review, not saved; whether it changed it."""
    if obj.status != PublicationStatus.DRAFT:
        return False
    obj.status = PublicationStatus.IN_REVIEW
    return True


class PublishableAdmin(DraftsAdmin, AuditedAdmin):
    """The newsroom's workflow: contributors write drafts and submit them; editors publish, unpublish, and
    decide what is featured. A contributor cannot publish by any route: the status field offers them only
    draft and in review, publisher-only fields are read-only to them, the actions need the publish
    permission, and a row already on the site they change only as a draft (DraftsAdmin) that an editor
    publishes."""

    actions = ["publish", "unpublish", "submit_for_review"]
    # How messages count rows, when the model's own names read badly with a number ("2 coverage").
    count_nouns = None
    # Fields only those who may publish can set.
    publisher_fields = ["published_at"]

    def has_publish_permission(self, request):
        """Whether the user holds <app>.publish_<model>, the permission each publishable model declares in
        its Meta.permissions."""
        return request.user.has_perm(f"{self.opts.app_label}.publish_{self.opts.model_name}")

    def has_change_permission(self, request, obj=None):
        """Django's check, and for a published row only with the publish permission as well."""
        if not super().has_change_permission(request, obj):
            return False
        # A contributor's change to a published row would go public unreviewed: only the change form's
        # drafting mode (DraftsAdmin.change_view) lets them work on it, and it saves drafts only.
        return (
            obj is None
            or obj.status != PublicationStatus.PUBLISHED
            or self.has_publish_permission(request)
            or getattr(request, "drafting", None) == obj.pk
        )

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """The restore page (VersionedAdmin's). A user without the publish permission may restore only a
        version in which the row was not on the site and that holds no other row of this model (an
        action's revision holds each row it changed, and restoring it would put them all back):
        PermissionDenied otherwise, since the restore would publish or change a row on the site."""
        if not self.has_publish_permission(request):
            _obj, version = self.version_or_404(request, object_id, version_id)
            same_model = version.revision.version_set.filter(content_type_id=version.content_type_id)
            for held in same_model:
                try:
                    status = held.field_dict.get("status")
                except RevertError:
                    status = None  # VersionedAdmin says the version no longer loads
                if held.object_id != version.object_id or status == PublicationStatus.PUBLISHED:
                    raise PermissionDenied
        return super().revision_view(request, object_id, version_id, extra_context)

    def get_readonly_fields(self, request, obj=None):
        """The read-only fields, plus publisher_fields for a user without the publish permission."""
        fields = super().get_readonly_fields(request, obj)
        if self.has_publish_permission(request):
            return fields
        return [*self.publisher_fields, *fields]

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        """Django's field; the status field offers only draft and in review to a user without the
        publish permission.
        """
        if db_field.name == "status" and not self.has_publish_permission(request):
            kwargs["choices"] = [
                (PublicationStatus.DRAFT, PublicationStatus.DRAFT.label),
                (PublicationStatus.IN_REVIEW, PublicationStatus.IN_REVIEW.label),
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def get_changelist_form(self, request, **kwargs):
        """Django's list-edit form, its publisher_fields disabled for a user without the publish
        permission.
        """
        form = super().get_changelist_form(request, **kwargs)
        locked = [name for name in self.list_editable if name in self.publisher_fields]
        if not locked or self.has_publish_permission(request):
            return form
        return with_disabled_fields(form, locked)

    def save_model(self, request, obj, form, change):
        """Saves the row, setting published_at to now (UTC) when this save publishes it without one; a row
        already published keeps its time, empty or not (an edit, a draft published, is not a publication)."""
        going_public = not change or "status" in form.changed_data
        if going_public and obj.status == PublicationStatus.PUBLISHED and obj.published_at is None:
            obj.published_at = timezone.now()  # records when it went public
        super().save_model(request, obj, form, change)

    @admin.display(description="status", ordering="status")
    def publication(self, obj):
        """The status column: "Scheduled for 3 Oct 2026, 09:00" (in settings.TIME_ZONE, Los Angeles) for a
        published row not yet due, else the status label.
        """
        if obj.is_scheduled:
            return f"Scheduled for {timezone.localtime(obj.published_at):%-d %b %Y, %H:%M}"
        return obj.get_status_display()

    @admin.display(description="on the site")
    def on_site(self, obj):
        """A link to the row's public page: "View" once it is on the site, "Preview" (a staff-only draft view)
        before.
        """
        label = "View" if obj.is_published else "Preview"
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), label)

    def change_each(self, request, queryset, change, done, message, left_alone):
        """Applies change(obj) to each selected row it returns True for; logs and counts them."""
        changed = 0
        for obj in queryset:
            if change(obj):
                stamp(obj, request.user)
                obj.save()
                self.log_change(request, obj, message)
                changed += 1
        unchanged = len(queryset) - changed
        text = f"{changed} {self.count_noun(changed)} {done}."
        if unchanged:
            text += f" {unchanged} left as {'it was' if unchanged == 1 else 'they were'}: {left_alone}."
        self.message_user(request, text, messages.SUCCESS if changed else messages.WARNING)

    def count_noun(self, count):
        """The noun for count rows in messages (str): count_nouns[0] or [1] when set, else the model's
        verbose name, singular or plural.
        """
        if self.count_nouns:
            return self.count_nouns[count != 1]
        return model_ngettext(self.opts, count)

    publish = row_change_action(
        "publish",
        "Publish now",
        "Publish selected %(verbose_name_plural)s now",
        publishing_now,
        ("published", "Published.", "already published"),
    )
    unpublish = row_change_action(
        "publish",
        "Unpublish",
        "Unpublish selected %(verbose_name_plural)s",
        lambda: back_to_draft,
        ("unpublished (back to draft)", "Unpublished.", "not published"),
    )
    submit_for_review = row_change_action(
        "change",
        "Submit for review",
        "Submit selected %(verbose_name_plural)s for review",
        lambda: to_review,
        ("submitted for review", "Submitted for review.", "not a draft"),
    )


IMAGE_FIELDS = ["image", "image_alt", "image_credit"]


class IllustratedAdmin(admin.ModelAdmin):
    """For the admin of a model with an image (editorial.images.Illustrated): the image fields placed last but
    the audit fields, and a thumbnail column.
    """

    def get_fields(self, request, obj=None):
        """The image after what the row says, before who changed it."""
        fields = super().get_fields(request, obj)
        rest = [name for name in fields if name not in IMAGE_FIELDS and name not in AUDIT_FIELDS]
        return [*rest, *IMAGE_FIELDS, *(name for name in fields if name in AUDIT_FIELDS)]

    @admin.display(description="image")
    def thumbnail(self, obj):
        """The list column: the image's thumbnail rendition as an <img> 64 CSS pixels wide, its height kept in
        proportion; "–" without an image, or when its renditions cannot be made.
        """
        rendition = obj.image_thumbnail
        if rendition is None:
            return "–"
        width = 64
        height = max(1, round(rendition.height * width / rendition.width))
        return format_html(
            '<img src="{}" width="{}" height="{}" alt="{}">', rendition.url, width, height, obj.image_alt
        )
