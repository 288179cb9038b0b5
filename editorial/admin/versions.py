"""Versions in the admin, on django-reversion and django-reversion-compare: every save keeps a version (with
the inline rows the admin shows), History lists them, any two compare side by side (long texts word by
word), and an editor restores one after a page that shows what will change. For a row on the site, changes
can be saved as a draft that the public does not see until an editor publishes it."""

import json

from django.contrib import messages
from django.contrib.admin import ActionLocation
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import quote, unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from reversion.errors import RevertError
from reversion.revisions import _get_options, create_revision, set_comment, set_user
from reversion_compare.admin import CompareVersionAdmin

from editorial.images import STORAGE_RECORD_FIELDS
from editorial.models import Draft
from editorial.versions import (
    RECORD_FIELDS,
    RestoreRefused,
    apply_draft,
    copy_of,
    fields_of,
    in_rolled_back_copy,
    keep_new_ids,
    record_current,
    restore,
    rows_of,
    save_as_revision,
    versions_of,
    word_diff,
)


def when(moment):
    """moment (an aware datetime) as the admin shows it, in settings.TIME_ZONE: "3 Oct 2026, 09:00"."""
    return f"{timezone.localtime(moment):%-d %b %Y, %H:%M}"


class VersionedAdmin(CompareVersionAdmin):
    """A model admin whose every save (form, list edit, action) keeps a version: django-reversion's
    VersionAdmin registers the model with its inlines' rows as part of each version. History lists the
    versions newest first; two are compared field by field (texts word by word, inline rows added, removed
    and changed); Restore shows what a version would change and puts it back as a new version, refusing
    one that would leave a claim without its source words."""

    object_history_template = "admin/editorial/object_history.html"
    # Django's own lookup (admin/<app>/<model>/change_list.html...), not reversion's list with its "recover".
    change_list_template = None
    compare_template = "admin/editorial/compare.html"
    history_latest_first = True

    def compare_TextField(self, obj_compare):
        """The two values word by word (editorial.versions.word_diff), as HTML."""
        if obj_compare.field.choices:
            return self.fallback_compare(obj_compare)
        old, new = (
            value if isinstance(value, str) else "" for value in (obj_compare.value1, obj_compare.value2)
        )
        return format_html('<p class="word-diff">{}</p>', word_diff(old, new))

    compare_CharField = compare_TextField
    compare_SlugField = compare_TextField
    compare_URLField = compare_TextField

    def reversion_register(self, model, **options):
        """Registers model with django-reversion, leaving out of its versions the fields that record the
        state of the storage rather than what an editor wrote (STORAGE_RECORD_FIELDS): a restored version
        has its renditions checked and recorded again by its save() (editorial.images)."""
        names = {field.name for field in model._meta.concrete_fields}
        options["exclude"] = (
            *options.get("exclude", ()),
            *(name for name in STORAGE_RECORD_FIELDS if name in names),
        )
        super().reversion_register(model, **options)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Rows pointing at this one are compared by compare_inline_rows() (those a version holds) or not at
        # all: the library's comparison of them reads every version of each such row, a query for each.
        self.compare_exclude = [
            *RECORD_FIELDS,
            *STORAGE_RECORD_FIELDS,
            *(field.name for field in self.opts.concrete_fields if field.generated),
            *(relation.name for relation in self.opts.related_objects if not relation.many_to_many),
        ]

    def get_urls(self):
        """The admin's URLs with history, compare and restore; without django-reversion's "recover deleted"
        pages, which revert a whole revision raw (the story loader's holds every row of the story: recovering
        one deleted piece would put every row back as loaded)."""
        return [
            pattern
            for pattern in super().get_urls()
            if not str(getattr(pattern, "name", "")).endswith(("_recoverlist", "_recover"))
        ]

    def compare(self, obj, version1, version2):
        """The library's field-by-field differences of obj between two Versions, then those of the inline
        rows each holds (compare_inline_rows())."""
        result = super().compare(obj, version1, version2)
        result.diff += self.compare_inline_rows(obj, version1, version2)
        return result

    def compare_inline_rows(self, obj, version1, version2):
        """For each kind of inline row a version of obj holds (reversion's follow, e.g. a piece's quotes): the
        rows removed, added and changed from version1 to version2, each change word by word. A list of
        {"field": {"verbose_name"}, "diff": HTML}, one per kind that differs; two queries in all."""
        differences = []
        held = [rows_of(version.revision, obj)[1:] for version in (version1, version2)]
        for name in _get_options(type(obj)).follow:
            model = getattr(type(obj), name).rel.related_model
            content_type = ContentType.objects.get_for_model(model)
            before, after = (
                {row.object_id: row for row in rows if row.content_type_id == content_type.pk}
                for rows in held
            )
            lines = [
                format_html("<li><del>{}</del> (removed)</li>", before[key].object_repr)
                for key in before.keys() - after.keys()
            ]
            lines += [
                format_html("<li><ins>{}</ins> (added)</li>", after[key].object_repr)
                for key in after.keys() - before.keys()
            ]
            for key in sorted(before.keys() & after.keys()):
                old, new = (fields_of(row) for row in (before[key], after[key]))
                changed = [field for field in new if old.get(field) != new[field]]
                if changed:
                    lines.append(
                        format_html(
                            "<li>{}: {}</li>",
                            after[key].object_repr,
                            format_html_join(
                                "; ",
                                '{} <span class="word-diff">{}</span>',
                                (
                                    (field, word_diff(str(old.get(field, "")), str(new[field])))
                                    for field in changed
                                ),
                            ),
                        )
                    )
            if lines:
                differences.append(
                    {
                        "field": {"verbose_name": model._meta.verbose_name_plural},
                        "diff": format_html(
                            '<ul class="inline-rows">{}</ul>',
                            format_html_join("", "{}", ((line,) for line in lines)),
                        ),
                        "is_related": True,
                        "follow": True,
                    }
                )
        return differences

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """Django's change form; a POST first records the row as it stands when it has no version yet (or
        changed without one), so that this change can be compared and undone."""
        if request.method == "POST" and not getattr(request, "recorded_current", False):
            obj = self.get_object(request, unquote(object_id))
            if obj is not None and self.has_change_permission(request, obj):
                record_current(obj, request.user)
        return super().change_view(request, object_id, form_url, extra_context)

    def version_or_404(self, request, object_id, version_id):
        """(obj, its Version version_id) for a user who may view obj; Http404 when either is missing,
        PermissionDenied without the view permission."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404("No such row.")
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        version = versions_of(obj).filter(pk=version_id).first() if str(version_id).isdigit() else None
        if version is None:
            raise Http404("No such version of this row.")
        return obj, version

    def history_view(self, request, object_id, extra_context=None):
        """Every version of the row, newest first (one query whatever their number), with who saved it, what
        the save said, whether it was a draft, and links to restore; two chosen versions compare."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        may_restore = self.has_change_permission(request, obj)
        info = self.opts.app_label, self.opts.model_name
        action_list = [
            {
                "version": version,
                "revision": version.revision,
                "draft": getattr(version.revision, "draft", None),
                "url": reverse(f"admin:{info[0]}_{info[1]}_revision", args=(quote(obj.pk), version.pk))
                if may_restore
                else None,
            }
            for version in versions_of(obj)
        ]
        self._annotate_action_list(action_list)
        context = {
            **self.admin_site.each_context(request),
            "title": f"History: {obj}",
            "subtitle": None,
            "action_list": action_list,
            "comparable": len(action_list) >= 2,
            "compare_view": True,
            "module_name": str(self.opts.verbose_name_plural).capitalize(),
            "object": obj,
            "opts": self.opts,
            "preserved_filters": self.get_preserved_filters(request),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.object_history_template, context)

    def compare_view(self, request, object_id, extra_context=None):
        """django-reversion-compare's page for two versions of the row (?version_id1=&version_id2=), for a
        user who may view the row; 404 for versions of another row or none."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404("No such row.")
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        return super().compare_view(request, object_id, extra_context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """Restore: GET shows what putting the version back would change (compared with the row as it stands)
        and what it would break; POST restores it (the row and its inline rows) as a new version. Needs the
        change permission on the row; a restore that would orphan a claim is refused (409) with the list."""
        obj, version = self.version_or_404(request, object_id, version_id)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        problems = []
        if request.method == "POST":
            try:
                with create_revision():
                    set_user(request.user)
                    set_comment(f"Restored the version of {when(version.revision.date_created)}.")
                    record_current(obj, request.user)
                    restore(version.revision, obj, request.user)
            except RestoreRefused as refused:
                problems = refused.problems
            else:
                self.log_change(
                    request, obj, f"Restored the version of {when(version.revision.date_created)}."
                )
                self.message_user(
                    request,
                    f"Restored the version of {when(version.revision.date_created)}; it is the newest "
                    "version in the history, and the one before it can be restored in turn.",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse(
                        f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=(quote(obj.pk),)
                    )
                )
        else:
            with in_rolled_back_copy():
                try:
                    restore(version.revision, obj, request.user)
                except RestoreRefused as refused:
                    problems = refused.problems
        current = versions_of(obj).filter(revision__draft__isnull=True).first()
        try:
            # From the version that stands (removed) to the one restored (added), as the page says.
            differences = self.compare(obj, current, version).diff if current and current != version else []
        except RevertError:
            differences = []  # restore() has said why, in problems
        context = {
            **self.admin_site.each_context(request),
            "title": f"Restore the version of {when(version.revision.date_created)}?",
            "subtitle": str(obj),
            "object": obj,
            "opts": self.opts,
            "version": version,
            "current": current,
            "differences": differences,
            "problems": problems,
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request,
            "admin/editorial/restore.html",
            context,
            status=409 if problems and request.method == "POST" else 200,
        )


class DraftsAdmin:
    """Drafts of rows on the site (a PublishableAdmin's): "Save as draft" keeps the change as a Draft that
    the public does not see; the change form then shows the draft, says which version the public sees, and
    links to the staff preview and to the comparison; "Save and publish" (editors only) applies it. A user
    without the publish permission (a contributor) may only save drafts of such a row and submit them for
    review. An image is changed on the row itself: a draft save with an uploaded file is a form error."""

    change_form_template = "admin/editorial/publishable_change_form.html"

    def is_drafting(self, request, obj):
        """Whether the change form of obj works on a draft: obj is on the site."""
        return obj is not None and obj.is_published

    def get_readonly_fields(self, request, obj=None):
        """In drafting mode, also the status for a user who cannot publish (their save is a draft)."""
        fields = list(super().get_readonly_fields(request, obj))
        if getattr(request, "drafting", None) is not None and not self.has_publish_permission(request):
            fields.append("status")
        return fields

    def get_form(self, request, obj=None, **kwargs):
        """The admin's form; for a draft save that uploads a file, one that says why it cannot."""
        form = super().get_form(request, obj, **kwargs)
        if not (getattr(request, "saving_draft", False) and request.FILES):
            return form

        class WithoutUploadsInDrafts(form):
            """form, refusing the files of a draft save."""

            # A draft is saved in a transaction that is rolled back, which removes the files it wrote
            # (editorial.images); the row keeps the file it has.
            def clean(self):
                cleaned = super().clean()
                for name in request.FILES:
                    if name in self.fields:
                        self.add_error(
                            name,
                            "A draft keeps no uploaded file: “Save and publish” to change it now, or save "
                            "the rest as a draft without choosing a file.",
                        )
                return cleaned

        WithoutUploadsInDrafts.__name__ = form.__name__
        return WithoutUploadsInDrafts

    def response_change(self, request, obj):
        """After a draft save, back to the form (the caller sets the message); else Django's."""
        if getattr(request, "saving_draft", False):
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The change form. For a row on the site: GET shows the open draft (if any) applied; "Save as draft"
        or "Submit for review" (and any POST of a user who cannot publish) saves a draft; "Discard draft"
        closes it; "Save and publish" applies the draft and the form to the row."""
        obj = self.get_object(request, unquote(object_id))
        if not self.is_drafting(request, obj) or not self.has_view_or_change_permission(request, obj):
            return super().change_view(request, object_id, form_url, extra_context)
        if not super().has_change_permission(request, None) or "index" in request.POST:
            # Without the model's change permission: Django's read-only form. The action bar's "Run"
            # (name="index"): the action, which checks its own permission.
            return super().change_view(request, object_id, form_url, extra_context)
        request.drafting = obj.pk
        draft = Draft.open_for(obj)
        may_publish = self.has_publish_permission(request)
        context = {**self.draft_context(request, obj, draft, may_publish), **(extra_context or {})}
        if request.method == "POST" and "_discard_draft" in request.POST:
            return self.discard_draft(request, obj, draft)
        if request.method == "POST" and (
            not may_publish or {"_save_draft", "_submit_draft"} & set(request.POST)
        ):
            return self.save_draft(request, obj, draft, object_id, form_url, context)
        if request.method == "POST":
            return self.publish_draft(request, obj, draft, object_id, form_url, context)
        if draft is None:
            return super().change_view(request, object_id, form_url, context)
        with in_rolled_back_copy():
            try:
                apply_draft(draft, obj, request.user)
            except RestoreRefused as refused:
                context["draft_problems"] = refused.problems
            response = super().change_view(request, object_id, form_url, context)
            if hasattr(response, "render"):
                response.render()
        return response

    def draft_context(self, request, obj, draft, may_publish):
        """What the change form says about versions: the version the public sees and the open draft."""
        published = versions_of(obj).filter(revision__draft__isnull=True).first()
        info = self.opts.app_label, self.opts.model_name
        compare_url = None
        if draft and published:
            mine = draft.revision.version_set.filter(
                content_type_id=published.content_type_id, object_id=published.object_id
            ).first()
            if mine:
                compare_url = (
                    reverse(f"admin:{info[0]}_{info[1]}_compare", args=(quote(obj.pk),))
                    + f"?version_id1={published.pk}&version_id2={mine.pk}"
                )
        return {
            "drafting": True,
            "may_publish": may_publish,
            "open_draft": draft,
            "published_at_text": when(obj.updated_at),
            "published_by": obj.updated_by,
            "draft_saved_text": when(draft.revision.date_created) if draft else None,
            "preview_url": obj.get_absolute_url(),
            "compare_url": compare_url,
        }

    def save_draft(self, request, obj, draft, object_id, form_url, context):
        """Runs the form over the row as the draft leaves it, in a transaction rolled back, and keeps what the
        save made as a new Draft (submitted for review with "_submit_draft"); the form with its errors when it
        does not validate, nothing kept."""
        request.saving_draft = True
        if "index" not in request.POST:  # not the action bar's "Run" (name="index")
            # Every POST of the form carries the action bar's select, empty, and Django 6.1 takes a POST
            # without _save, _continue or _addanother for a run of it: it would save nothing.
            request.POST = request.POST.copy()
            request.POST.pop(f"{ActionLocation.CHANGE_FORM.value}-action", None)
        made = {}
        with in_rolled_back_copy():
            if draft is not None:
                try:
                    apply_draft(draft, obj, request.user)
                except RestoreRefused as refused:
                    self.message_user(request, self.stale_message(refused), messages.ERROR)
                    return HttpResponseRedirect(request.path)
                self.find_link_rows_again(request, obj)
            response = super().change_view(request, object_id, form_url, context)
            if response.status_code == 302:
                made["copies"] = copy_of(self.model._base_manager.get(pk=obj.pk))
            elif hasattr(response, "render"):
                response.render()
        if "copies" not in made:
            return response
        submitted = "_submit_draft" in request.POST
        with transaction.atomic():
            keep_new_ids(made["copies"])
            record_current(obj, request.user)
            base = versions_of(obj).filter(revision__draft__isnull=True).first()
            revision = save_as_revision(
                made["copies"],
                request.user,
                "Draft submitted for review (not public)." if submitted else "Draft saved (not public).",
            )
            if draft is not None:
                draft.close(Draft.State.SUPERSEDED, request.user)
            Draft.objects.create(
                content_type=ContentType.objects.get_for_model(obj),
                object_id=str(obj.pk),
                revision=revision,
                base_revision=base.revision if base else None,
                state=Draft.State.SUBMITTED if submitted else Draft.State.DRAFT,
            )
        self.message_user(
            request,
            "Draft submitted for review: an editor publishes it. The site shows the published version "
            "until then."
            if submitted
            else "Draft saved. The site shows the published version until an editor publishes the draft.",
            messages.SUCCESS,
        )
        return response

    def publish_draft(self, request, obj, draft, object_id, form_url, context):
        """An editor's save of a row on the site: applies the open draft (if any), then the form, as one
        transaction and one version; the draft is then closed as published. With form errors nothing is
        kept and the form shows them over the draft."""
        with transaction.atomic():
            if draft is not None:
                request.publishing_draft = draft
                # The row as the public saw it, recorded before the draft changes it (change_view would record
                # it after): the version to restore to undo the publication.
                record_current(obj, request.user)
                request.recorded_current = True
                try:
                    apply_draft(draft, obj, request.user)
                except RestoreRefused as refused:
                    self.message_user(request, self.stale_message(refused), messages.ERROR)
                    transaction.set_rollback(True)
                    return HttpResponseRedirect(request.path)
                self.find_link_rows_again(request, obj)
            response = super().change_view(request, object_id, form_url, context)
            if response.status_code != 302:
                if hasattr(response, "render"):
                    response.render()
                transaction.set_rollback(True)
                return response
            if draft is not None:
                draft.close(Draft.State.PUBLISHED, request.user)
        return response

    def find_link_rows_again(self, request, obj):
        """Points the POST's many-to-many link rows (the mention inlines: rows of an auto-created through
        model) at the rows applying the draft made again. The form showed the draft applied in a rolled-back
        copy, whose new link rows had ids PostgreSQL's sequences do not give twice: each row id the database
        no longer holds is swapped for the id of the row linking obj to the same target, or emptied (a new
        row). Replaces request.POST; None."""
        data = request.POST.copy()
        for inline in self.get_inline_instances(request, obj):
            through = inline.model
            if not through._meta.auto_created:
                continue
            formset = inline.get_formset(request, obj)
            prefix, link = formset.get_default_prefix(), formset.fk
            target = next(
                field for field in through._meta.concrete_fields if field.is_relation and field != link
            )
            total = data.get(f"{prefix}-TOTAL_FORMS", "")
            keys = (
                [f"{prefix}-{number}-id" for number in range(min(int(total), 10_000))]
                if total.isdigit()
                else []
            )
            wanted = {key: data[key] for key in keys if data.get(key, "").isdigit()}
            held = {
                str(pk) for pk in through.objects.filter(pk__in=wanted.values()).values_list("pk", flat=True)
            }
            for key, row_id in wanted.items():
                if row_id in held:
                    continue
                chosen = data.get(key.removesuffix("-id") + f"-{target.name}", "")
                row = (
                    through.objects.filter(**{link.attname: obj.pk, target.attname: chosen}).first()
                    if chosen.isdigit()
                    else None
                )
                data[key] = str(row.pk) if row else ""
        request.POST = data

    def construct_change_message(self, request, form, formsets, add=False):
        """The history's words for a save; for the save that publishes a draft, which draft (the form, showing
        the draft, has no change of its own to tell)."""
        message = super().construct_change_message(request, form, formsets, add)
        draft = getattr(request, "publishing_draft", None)
        if draft is None:
            return message
        if isinstance(message, list):
            message = LogEntry(change_message=json.dumps(message)).get_change_message()
        author = draft.revision.user.get_username() if draft.revision.user else "someone"
        published = f"Published the draft saved {when(draft.revision.date_created)} by {author}."
        return published if message == "No fields changed." else f"{published} {message}"

    def discard_draft(self, request, obj, draft):
        """Closes the open draft as discarded (its author, or a user who may publish); the row is left as
        the public sees it."""
        if draft is None:
            self.message_user(request, "There is no draft to discard.", messages.WARNING)
        elif not (self.has_publish_permission(request) or draft.revision.user_id == request.user.pk):
            raise PermissionDenied
        else:
            draft.close(Draft.State.DISCARDED, request.user)
            self.message_user(
                request, "Draft discarded; the form shows the published version.", messages.SUCCESS
            )
        return HttpResponseRedirect(request.path)

    def stale_message(self, refused):
        """The message for an open draft that no longer applies to the row (rows it names changed since)."""
        return (
            "The draft no longer fits the row as it stands: "
            f"{'; '.join(refused.problems)} Discard the draft, or ask an editor to."
        )
