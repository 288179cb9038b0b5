"""Uploaded pictures, checked and re-encoded with Pillow: what may be stored (formats, bytes, pixels), the
original kept without metadata, and the sRGB renditions screens get. No Django model here (see images.py)."""

import logging
import warnings
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

# What the name ends with is only a claim; the bytes decide the type, and the saved name follows them.
# Pillow calls a camera's JPEG with extra frames (previews, depth) MPO: it is stored as the JPEG it is.
STORED_FORMATS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WEBP"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
THUMBNAIL_WIDTH = 160
RENDITION_WIDTHS = (THUMBNAIL_WIDTH, 480, 960, 1440)
# libwebp refuses a side longer than this (WEBP_MAX_DIMENSION); a long screenshot's renditions fit within it.
WEBP_MAX_SIDE = 16383
# Pillow's errors for a picture it reads but cannot convert or encode; anything else is a bug to see.
CONVERSION_ERRORS = (OSError, ValueError, SyntaxError, EOFError, ImageCms.PyCMSError)
SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
SIXTEEN_TO_EIGHT_BITS = [round(value / 257) for value in range(65536)]  # 65535 (white) is 255


@dataclass(frozen=True)
class PreparedImage:
    """An upload made ready during validation, so that saving only writes bytes: the original without
    metadata (name: the upload's stem with the extension its format takes), its size in pixels once turned
    upright, and each rendition as (width, height, WebP bytes)."""

    name: str
    original: bytes = field(repr=False)
    width: int
    height: int
    renditions: tuple[tuple[int, int, bytes], ...] = field(repr=False)


def check_upload(upload):
    """Refuses anything but a whole JPEG, PNG or WebP of reasonable size, with a message that says why.

    upload: a Django File. Returns a PreparedImage: the stored original and every rendition are made here,
    so an image that passes can be saved. Raises ValidationError.
    """
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
        if image.format not in STORED_FORMATS:
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
        try:
            prepared = prepare(image, upload.name)
        except (*CONVERSION_ERRORS, MemoryError):
            logger.exception("Could not convert an uploaded %s image (%s)", image.format, image.mode)
            raise ValidationError(
                f"This {image.format} image ({image.mode}) cannot be converted for the site; "
                "export it again as an 8-bit RGB JPEG or PNG."
            ) from None
    upload.seek(0)
    return prepared


def too_many_pixels_message(width=None, height=None):
    """The form error for an image over MAX_PIXELS: its size in pixels when known (width, height: int),
    else "far too many pixels" (Pillow refused to open it as a decompression bomb).
    """
    size = f"{width} × {height} pixels" if width else "far too many pixels"
    return (
        f"This image has {size}, over the limit of {MAX_PIXELS // 1_000_000} megapixels "
        "(a file this size can be a decompression bomb). Resize it before uploading."
    )


def prepare(image, name):
    """The PreparedImage for a decoded Pillow image whose file was called name. Raises CONVERSION_ERRORS."""
    image_format = STORED_FORMATS[image.format]
    bare = pixels_only(image)
    original = encode_original(bare, image_format, image.info.get("icc_profile"))
    screen = for_screens(bare, image.info.get("icc_profile"))
    renditions = tuple(
        (width, height, encode_rendition(screen, width, height))
        for width, height in rendition_sizes(*bare.size)
    )
    stem = PurePosixPath(name or "image").stem
    return PreparedImage(f"{stem}.{EXTENSIONS[image_format]}", original, *bare.size, renditions)


def pixels_only(image):
    """A copy of a decoded image turned upright by its EXIF orientation, carrying nothing but its pixels and
    transparency: Pillow writes some of what it read back out (a JPEG's comment, a PNG's ICC profile), so
    nothing read is left in `info` for it to find."""
    try:
        upright = ImageOps.exif_transpose(image)
    except Exception:  # a damaged EXIF block costs the orientation, not the picture
        upright = image.copy()
    upright.info = {key: image.info[key] for key in ("transparency",) if key in image.info}
    return upright


def encode_original(image, image_format, icc_profile):
    """The picture in its own format with no metadata but its ICC profile (its colours, about no one)."""
    output = BytesIO()
    options = {"quality": 90} if image_format in ("JPEG", "WEBP") else {}
    if icc_profile:
        options["icc_profile"] = icc_profile
    image.save(output, format=image_format, **options)
    return output.getvalue()


def for_screens(image, icc_profile=None):
    """The picture as 8-bit sRGB, RGB or RGBA, whatever mode Pillow gave (a scanner's 16-bit grey, a
    palette with a transparent colour, a printer's CMYK) and whatever ICC profile it came with."""
    image = with_alpha_if_transparent(image)
    alpha = image.getchannel("A") if image.mode in ("LA", "RGBA") else None
    colour = image.convert({"LA": "L", "RGBA": "RGB"}.get(image.mode, image.mode))
    screen = None
    if icc_profile:
        try:
            profile = ImageCms.ImageCmsProfile(BytesIO(icc_profile))
            screen = ImageCms.profileToProfile(colour, profile, SRGB, outputMode="RGB")
        except (ImageCms.PyCMSError, OSError, ValueError):
            # A damaged profile, or one for another kind of image (RGB's on a grey picture): shown as is.
            screen = None
    if screen is None:
        screen = colour.convert("RGB")
    screen.info = {}
    if alpha is not None:
        screen.putalpha(alpha)
    return screen


def with_alpha_if_transparent(image):
    """The image as L, LA, RGB, RGBA or CMYK: 16-bit grey scaled to 8 bits (Pillow's own conversion clips
    it, which turns a scan white) and a transparent colour made into an alpha channel."""
    transparency = image.info.get("transparency")
    if image.mode in ("I", "I;16", "I;16L", "I;16B", "I;16N"):
        wide = image.convert("I")
        grey = wide.point(SIXTEEN_TO_EIGHT_BITS, "L")
        if isinstance(transparency, int):
            grey.putalpha(wide.point([0 if value == transparency else 255 for value in range(65536)], "L"))
        return grey
    if image.mode in ("LA", "RGBA", "CMYK"):
        return image
    if image.mode in ("1", "L"):
        return image.convert("LA" if transparency is not None else "L")
    if image.mode == "RGB":
        return image.convert("RGBA") if transparency is not None else image
    has_alpha = "A" in image.mode or "a" in image.mode or transparency is not None
    if image.mode == "P" and image.palette and image.palette.mode == "RGBA":
        has_alpha = True
    return image.convert("RGBA" if has_alpha else "RGB")


def rendition_sizes(width, height):
    """The (width, height) of each rendition of a width × height picture: the widths a page asks for below
    the largest, which is the picture's own width at most 1440 and narrow enough for its height to fit
    WebP's 16,383 px. Aspect ratio kept to the nearest pixel, but no side is below 1 px (a 1 × 30,000 strip
    becomes 1 × 16,383)."""
    largest = max(1, min(width, RENDITION_WIDTHS[-1], WEBP_MAX_SIDE * width // height))
    widths = [*(each for each in RENDITION_WIDTHS if each < largest), largest]
    return [(each, min(WEBP_MAX_SIDE, max(1, round(height * each / width)))) for each in widths]


def encode_rendition(screen, width, height):
    """The WebP bytes (quality 80) of screen (an 8-bit sRGB image from for_screens()) resized to width x
    height pixels with Lanczos.
    """
    output = BytesIO()
    resized = screen.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
    resized.save(output, format="WEBP", quality=80)
    return output.getvalue()


def without_metadata(upload):
    """The same picture with no metadata (EXIF, XMP, IPTC, comments, text chunks): turned upright, then
    re-encoded in its format with its ICC profile. upload: a checked Django File; returns a ContentFile."""
    prepared = getattr(upload, "prepared", None) or check_upload(upload)
    return ContentFile(prepared.original, name=prepared.name)
