"""Images editors upload for people, places, works and coverage: checked by their content, stripped of
metadata, and served as WebP renditions at a few widths, each made once."""

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


class CheckedImageField(models.ImageField):
    """An ImageField whose form field is CheckedImageFormField."""

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": CheckedImageFormField, **kwargs})


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

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        """Saves the row; a new image is written first, without metadata, with every rendition.

        If writing a file or the row fails, the files already written are removed before the error goes on;
        if the transaction the row was saved in rolls back later, they are removed then. An upload that did
        not come through the admin's form is checked here (ValidationError).
        """
        if not self.image or self.image._committed:
            super().save(*args, **kwargs)
            if self.image:
                self.image_renditions()  # any that went missing
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
        allows), made once each. Returns a list of Rendition, narrowest first; an empty list if there is no
        image or its missing renditions cannot be made (logged: a page then shows no picture, not an error).
        """
        if not self.image or not self.image_width or not self.image_height:
            return []
        renditions = []
        missing = []
        for width, height in rendition_sizes(self.image_width, self.image_height):
            path = rendition_path(self.image.name, width)
            if not default_storage.exists(path):
                missing.append((path, width, height))
            renditions.append(Rendition(default_storage.url(path), width, height))
        if missing:
            try:
                make_renditions(self.image, missing)
            except CONVERSION_ERRORS:
                logger.exception("Could not make the renditions of %s", self.image.name)
                return []
        return renditions

    @property
    def image_thumbnail(self):
        """The narrowest rendition (THUMBNAIL_WIDTH pixels wide at most), or None."""
        renditions = self.image_renditions()
        return renditions[0] if renditions else None


def make_renditions(image_file, sizes):
    """Writes renditions of a stored image: sizes is a list of (storage path, width, height). Raises
    CONVERSION_ERRORS (a missing or unreadable file is an OSError)."""
    image_file.open("rb")
    try:
        with Image.open(image_file) as original:
            original.load()
            screen = for_screens(original, original.info.get("icc_profile"))
    finally:
        image_file.close()
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
