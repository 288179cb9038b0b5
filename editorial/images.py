"""Images editors upload for people, places, works and coverage: checked by their content, stripped of
metadata, and served as WebP renditions at a few widths, each made once.

Which renditions are in storage is recorded on the image's row (image_renditions_made), so that a page shows
them without asking the storage anything: on object storage such as S3 each exists() is a network request,
and a page of 50 images would make 200 of them. Storage is asked when an image is saved, restored or loaded,
never when a page is rendered, except once for a row whose record is missing."""

import hashlib
import logging
import weakref
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, router, transaction
from django.db.models import Q
from django.db.models.fields.files import ImageFileDescriptor
from PIL import Image

from editorial.pictures import (
    CONVERSION_ERRORS,
    MAX_PIXELS,
    MAX_UPLOAD_BYTES,
    check_upload,
    encode_rendition,
    for_screens,
    rendition_sizes,
)

logger = logging.getLogger(__name__)

# What IllustratedModel records about the storage, not what an editor wrote: versions leave it out.
STORAGE_RECORD_FIELDS = ("image_renditions_made",)


class CheckedImageFormField(forms.ImageField):
    """The admin's image upload field: the upload is checked and prepared by check_upload(), whatever
    its name ends with; ValidationError with a message for the editor.
    """

    # The content is checked, so the name's extension is no reason to refuse (or to accept) a file.
    default_validators = []

    def to_python(self, data):
        """The upload (an UploadedFile, or None) carrying its PreparedImage as `.prepared`; raises
        ValidationError from check_upload().
        """
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        prepared = check_upload(upload)
        upload = super().to_python(upload)
        upload.prepared = prepared  # what IllustratedModel.save writes, made while the form can still say no
        return upload


class CheckedImageFileDescriptor(ImageFileDescriptor):
    """Django's descriptor for an image field, which reads the stored file's size in pixels on every
    assignment; given the very file the row holds (a form saved without a new upload), it reads nothing."""

    def __set__(self, instance, value):
        if value is not None and value is instance.__dict__.get(self.field.attname):
            return  # the same file: its size is on the row already, and the storage need not be asked
        super().__set__(instance, value)


class CheckedImageField(models.ImageField):
    """An ImageField whose form field is CheckedImageFormField, and whose stored file is read for its size
    only when another file is given (CheckedImageFileDescriptor); a file that cannot be read then keeps
    the size the row has (logged), rather than failing the save."""

    descriptor_class = CheckedImageFileDescriptor

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": CheckedImageFormField, **kwargs})

    def update_dimension_fields(self, instance, force=False, *args, **kwargs):
        """Django's update of image_width and image_height from the file; an OSError reading it (the file
        is lost) is logged and leaves them as they are: its renditions are then recorded as not made."""
        try:
            super().update_dimension_fields(instance, force, *args, **kwargs)
        except OSError:
            logger.warning(
                "Could not read the size of %s", getattr(instance, self.attname).name, exc_info=True
            )


def image_upload_path(instance, filename):
    """The storage path of an uploaded original: images/<model name>/<file name> (upload_to)."""
    return f"images/{instance._meta.model_name}/{filename}"


def image_constraints(model_name):
    """The check constraint an illustrated model's Meta lists (model_name: its name in the constraint
    name): an image needs alt text and a credit, as IllustratedModel.clean() tells the editor.
    """
    return [
        models.CheckConstraint(
            name=f"{model_name}_image_has_alt_text_and_credit",
            condition=Q(image="") | (~Q(image_alt="") & ~Q(image_credit="")),
            violation_error_message="An image needs alt text and a credit.",
        )
    ]


@dataclass(frozen=True)
class Rendition:
    """One WebP rendition of a stored image: its URL and its size in pixels."""

    url: str
    width: int
    height: int


def rendition_path(image_name, width):
    """The storage path of one rendition: renditions/<16 hex digits of the SHA-256 of the original's
    storage name>/<width>.webp, so a new original (a new name) gets new renditions.
    """
    return f"renditions/{hashlib.sha256(image_name.encode()).hexdigest()[:16]}/{width}.webp"


class IllustratedModel(models.Model):
    """A model that can carry one image, with the words a screen reader says and whom to credit."""

    image = CheckedImageField(
        upload_to=image_upload_path,
        blank=True,
        width_field="image_width",
        height_field="image_height",
        help_text=f"JPEG, PNG or WebP, up to {MAX_UPLOAD_BYTES // (1024 * 1024)} MB and "
        f"{MAX_PIXELS // 1_000_000} megapixels. Location and camera data are removed on save.",
    )
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_alt = models.CharField(
        "alt text",
        max_length=300,
        blank=True,
        help_text="Required with an image: what it shows, for someone who cannot see it.",
    )
    image_credit = models.CharField(
        max_length=200, blank=True, help_text="Required with an image: the photographer or the source."
    )
    image_renditions_made = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text="The renditions of the image in storage (renditions_record()); {} when not known.",
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        """Saves the row; a new image is written first, without metadata, with every rendition.

        An image that was already stored (the form left it as it was, a version was restored) has its
        renditions checked in storage here, the missing ones made, so that pages need not ask. If writing a
        file or the row fails, the files already written are removed before the error goes on; if the
        transaction the row was saved in rolls back later, they are removed then. An upload that did not come
        through the admin's form is checked here (ValidationError).
        """
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "image" not in update_fields:
            super().save(*args, **kwargs)  # the image is not written, so neither is its record
            return
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "image_renditions_made"}
        if not self.image or self.image._committed:
            self.image_renditions_made = (
                renditions_record(self.image.name, self.image_width, self.image_height) if self.image else {}
            )
            super().save(*args, **kwargs)
            return
        prepared = getattr(self.image.file, "prepared", None) or check_upload(self.image.file)
        written = []
        try:
            self.image.save(prepared.name, ContentFile(prepared.original, name=prepared.name), save=False)
            written.append(self.image.name)
            for width, _height, data in prepared.renditions:
                path = rendition_path(self.image.name, width)
                # The name was free for the original, so a rendition already there is a stale one of a
                # picture that is gone: it must not stand in for this one.
                default_storage.delete(path)
                written.append(default_storage.save(path, ContentFile(data)))
            self.image_renditions_made = {
                "image": self.image.name,
                "widths": [width for width, _height, _data in prepared.renditions],
            }
            super().save(*args, **kwargs)
        except BaseException:
            remove_files(written)
            raise
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        remove_files_if_rolled_back(written, using)

    def clean(self):
        """Model validation; ValidationError on image_alt and image_credit when an image lacks them."""
        super().clean()
        if self.image:
            missing = {
                field: "Required with an image."
                for field in ("image_alt", "image_credit")
                if not getattr(self, field).strip()
            }
            if missing:
                raise ValidationError(missing)

    def image_renditions(self):
        """WebP copies at the widths a page asks for (none wider than the original, none taller than WebP
        allows), as image_renditions_made records them: no storage call. Returns a list of Rendition,
        narrowest first; an empty list if there is no image or its renditions could not all be made (logged
        when tried: a page then shows no picture, not an error).

        A row whose record is missing or is of another image (a row written without save(): a raw fixture
        load, bulk_create, queryset.update()) has its renditions checked and made once, here, by
        record_renditions().
        """
        if not self.image or not self.image_width or not self.image_height:
            return []
        sizes = rendition_sizes(self.image_width, self.image_height)
        record = self.image_renditions_made or {}
        if not is_record_of(record, self.image.name, sizes):
            record = self.record_renditions()
        made = set(record.get("widths", ()))
        if any(width not in made for width, _height in sizes):
            return []
        return [
            Rendition(default_storage.url(rendition_path(self.image.name, width)), width, height)
            for width, height in sizes
        ]

    def record_renditions(self):
        """Checks the image's renditions in storage, makes the missing ones, and stores the record on the row
        by one UPDATE of image_renditions_made (no save(): no signal, no page-cache purge, no version),
        only while the row still has this image. Returns the record (see renditions_record()).
        """
        record = renditions_record(self.image.name, self.image_width, self.image_height) if self.image else {}
        self.image_renditions_made = record
        if self.pk is not None:
            # The primary, not the database the row was read from: a public page reads from a replica.
            type(self)._base_manager.using(router.db_for_write(type(self), instance=self)).filter(
                pk=self.pk, image=self.image.name
            ).update(image_renditions_made=record)
        return record

    @property
    def image_thumbnail(self):
        """The narrowest rendition (THUMBNAIL_WIDTH pixels wide at most), or None."""
        renditions = self.image_renditions()
        return renditions[0] if renditions else None


def renditions_record(image_name, width, height):
    """Asks the storage for each rendition of the stored image image_name (str), width x height pixels,
    and makes those missing. Returns the record image_renditions_made keeps: {"image": image_name,
    "widths": [the widths in storage, narrowest first]}, with "failed": True when the missing ones could
    not be made (logged: the original is lost or unreadable, the storage refused); {} without a size.
    """
    if not image_name or not width or not height:
        return {}
    sizes = rendition_sizes(width, height)
    missing = [
        (path, each, each_height)
        for each, each_height in sizes
        if not default_storage.exists(path := rendition_path(image_name, each))
    ]
    widths = [each for each, _height in sizes]
    if missing:
        try:
            make_renditions(image_name, missing)
        except CONVERSION_ERRORS:
            logger.exception("Could not make the renditions of %s", image_name)
            lacking = {each for _path, each, _height in missing}
            return {
                "image": image_name,
                "widths": [each for each in widths if each not in lacking],
                "failed": True,
            }
    return {"image": image_name, "widths": widths}


def is_record_of(record, image_name, sizes):
    """Whether record (an image_renditions_made value) answers for image_name (str) at sizes (from
    rendition_sizes()): it is of that image, and holds every width or says they could not be made."""
    if not isinstance(record, dict) or record.get("image") != image_name:
        return False
    made = record.get("widths")
    if not isinstance(made, list):
        return False
    return bool(record.get("failed")) or all(width in made for width, _height in sizes)


def record_renditions_of(model, using):
    """For a data migration: fills image_renditions_made of every row of model (a historical model with the
    IllustratedModel fields) that has an image, on database `using`, by renditions_record(). None."""
    rows = (
        model._base_manager.using(using).exclude(image="").only("pk", "image", "image_width", "image_height")
    )
    for row in rows.iterator(chunk_size=500):
        record = renditions_record(row.image.name, row.image_width, row.image_height)
        model._base_manager.using(using).filter(pk=row.pk).update(image_renditions_made=record)


def make_renditions(image_name, sizes):
    """Writes renditions of the stored image image_name (str): sizes is a list of (storage path, width,
    height). Raises CONVERSION_ERRORS (a missing or unreadable file is an OSError)."""
    with default_storage.open(image_name, "rb") as stored, Image.open(stored) as original:
        original.load()
        screen = for_screens(original, original.info.get("icc_profile"))
    for path, width, height in sizes:
        default_storage.save(path, ContentFile(encode_rendition(screen, width, height)))


def remove_files(paths):
    """Deletes each storage path, going on past any that cannot be deleted (logged)."""
    for path in paths:
        try:
            default_storage.delete(path)
        except OSError:
            logger.exception("Could not remove %s", path)


def remove_files_if_rolled_back(paths, using):
    """Deletes the files at paths if the transaction open on the database `using` rolls back (no row will
    name them), and keeps them once it commits.

    Django has on_commit but no hook for a rollback. A function given to on_commit is dropped unrun when its
    transaction or savepoint rolls back, and run then dropped when it commits: a finalizer on it runs
    either way, and deletes the files unless the function ran first. Outside a transaction it runs at once.
    """
    committed = []

    def keep():
        """Run by on_commit: the transaction committed, the files stay."""
        committed.append(True)

    def remove_unless_committed():
        """The finalizer: removes the files unless keep() ran."""
        if not committed:
            remove_files(paths)

    finalizer = weakref.finalize(keep, remove_unless_committed)
    finalizer.atexit = False  # a process that exits mid-transaction leaves its files: no storage at exit
    transaction.on_commit(keep, using=using)
