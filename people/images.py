"""Images editors upload for people, places, works and coverage: checked by their content, stripped of
metadata, and served as WebP renditions at a few widths, each made once."""

import hashlib
import warnings
from dataclasses import dataclass
from io import BytesIO
from pathlib import PurePosixPath

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from PIL import Image, ImageOps, UnidentifiedImageError

# What the name ends with is only a claim; the bytes decide the type, and the saved name follows them.
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
THUMBNAIL_WIDTH = 160
RENDITION_WIDTHS = (THUMBNAIL_WIDTH, 480, 960, 1440)


def check_upload(upload):
    """Refuses anything but a whole JPEG, PNG or WebP of reasonable size, with a message that says why."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            f"This file is {filesizeformat(upload.size)}; the limit is {filesizeformat(MAX_UPLOAD_BYTES)}. "
            "Export a smaller JPEG, PNG or WebP."
        )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(too_many_pixels_message()) from None
    except (UnidentifiedImageError, OSError, ValueError):
        raise ValidationError(
            "This file is not an image: upload a JPEG, PNG or WebP, whatever its name ends with."
        ) from None
    with image:
        if image.format not in EXTENSIONS:
            raise ValidationError(
                f"This file is a {image.format} image, whatever its name says; upload a JPEG, PNG or WebP."
            )
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise ValidationError(too_many_pixels_message(width, height))
        try:
            image.load()  # decodes every pixel: a truncated or damaged file fails here, not on the site
        except (OSError, SyntaxError, ValueError, EOFError):
            raise ValidationError(
                "This image is truncated or damaged and cannot be read to the end; export it again."
            ) from None
    upload.seek(0)


def too_many_pixels_message(width=None, height=None):
    size = f"{width} × {height} pixels" if width else "far too many pixels"
    return (
        f"This image has {size}, over the limit of {MAX_PIXELS // 1_000_000} megapixels "
        "(a file this size can be a decompression bomb). Resize it before uploading."
    )


def without_metadata(upload):
    """The same picture with no EXIF (GPS position, camera, owner): turned upright, then re-encoded."""
    upload.seek(0)
    with Image.open(upload) as original:
        image_format = original.format
        icc_profile = original.info.get("icc_profile")
        upright = ImageOps.exif_transpose(original)
        if image_format == "JPEG" and upright.mode not in ("RGB", "L", "CMYK"):
            upright = upright.convert("RGB")
        output = BytesIO()
        options = {"quality": 90} if image_format in ("JPEG", "WEBP") else {}
        if icc_profile:
            options["icc_profile"] = icc_profile  # colours, not metadata about anyone
        upright.save(output, format=image_format, **options)
    name = f"{PurePosixPath(upload.name).stem}.{EXTENSIONS[image_format]}"
    return ContentFile(output.getvalue(), name=name)


class CheckedImageFormField(forms.ImageField):
    # The content is checked, so the name's extension is no reason to refuse (or to accept) a file.
    default_validators = []

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        check_upload(upload)
        return super().to_python(upload)


class CheckedImageField(models.ImageField):
    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": CheckedImageFormField, **kwargs})


def image_upload_path(instance, filename):
    return f"images/{instance._meta.model_name}/{filename}"


def image_constraints(model_name):
    return [
        models.CheckConstraint(
            name=f"{model_name}_image_has_alt_text_and_credit",
            condition=Q(image="") | (~Q(image_alt="") & ~Q(image_credit="")),
            violation_error_message="An image needs alt text and a credit.",
        )
    ]


@dataclass(frozen=True)
class Rendition:
    url: str
    width: int
    height: int


class Illustrated(models.Model):
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
        if self.image and not self.image._committed:
            clean = without_metadata(self.image.file)
            self.image.save(clean.name, clean, save=False)
        super().save(*args, **kwargs)
        if self.image:
            self.image_renditions()

    def clean(self):
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
        """WebP copies at the widths a page asks for (none wider than the original), made once each."""
        if not self.image or not self.image_width:
            return []
        widths = [width for width in RENDITION_WIDTHS if width < self.image_width]
        if self.image_width <= RENDITION_WIDTHS[-1]:
            widths.append(self.image_width)
        folder = f"renditions/{hashlib.sha256(self.image.name.encode()).hexdigest()[:16]}"
        renditions = []
        missing = []
        for width in widths:
            height = max(1, round(self.image_height * width / self.image_width))
            path = f"{folder}/{width}.webp"
            if not default_storage.exists(path):
                missing.append((path, width, height))
            renditions.append(Rendition(default_storage.url(path), width, height))
        if missing:
            make_renditions(self.image, missing)
        return renditions

    @property
    def image_thumbnail(self):
        renditions = self.image_renditions()
        return renditions[0] if renditions else None


def make_renditions(image_file, sizes):
    image_file.open("rb")
    try:
        with Image.open(image_file) as original:
            original.load()
            source = original.convert("RGBA" if original.mode in ("RGBA", "LA", "P") else "RGB")
    finally:
        image_file.close()
    for path, width, height in sizes:
        output = BytesIO()
        source.resize((width, height), Image.Resampling.LANCZOS).save(output, format="WEBP", quality=80)
        default_storage.save(path, ContentFile(output.getvalue()))
