"""The WebP renditions of an uploaded image: made once at responsive widths, offered in a srcset and as the
changelist's thumbnail, showing the colours of the upload whatever its mode, depth, transparency or colour
profile, and whole whatever its shape; the stored original keeps its profile and transparency.

Upload checks: tests/test_image_uploads.py; metadata: tests/test_image_metadata.py.
"""

import zlib
from io import BytesIO

import pytest
from django.core.files.storage import default_storage
from PIL import Image, ImageCms

from editorial import images
from people.models import Person
from tests.admin_forms import admin_url
from tests.pictures import (
    BLUE,
    RED,
    TRANSPARENT,
    encoded,
    halves,
    looks_like,
    picture,
    read_stored,
    rendition_files,
    sample,
    upload,
)

pytestmark = pytest.mark.django_db


def test_renditions_are_webp_at_responsive_widths_and_made_once(editor_client, director, monkeypatch):
    upload(editor_client, director, picture())
    director.refresh_from_db()
    made = []
    monkeypatch.setattr(images, "make_renditions", lambda *args: made.append(args))

    renditions = director.image_renditions()
    again = Person.objects.get(pk=director.pk).image_renditions()

    assert [rendition.width for rendition in renditions] == [160, 480, 960, 1200]
    assert renditions == again
    assert made == []  # all four were made when the image was saved, and are reused since
    for rendition in renditions:
        path = rendition.url.removeprefix("/media/")
        with default_storage.open(path) as stored, Image.open(stored) as image:
            assert image.format == "WEBP"
            assert image.width == rendition.width


def test_public_pages_offer_the_renditions_in_a_srcset(editor_client, director, visitor):
    upload(editor_client, director, picture())

    html = visitor.get(director.get_absolute_url()).content.decode()

    assert 'srcset="/media/renditions/' in html
    assert "160w" in html and "960w" in html
    assert 'alt="Tatia Pilieva on set"' in html
    assert "<figcaption>Wren</figcaption>" in html


def test_the_changelist_shows_a_thumbnail(editor_client, director):
    upload(editor_client, director, picture())

    html = editor_client.get(admin_url(Person, "changelist")).content.decode()

    assert '<img src="/media/renditions/' in html
    assert "/160.webp" in html


# What a picture must look like, whatever its file: the renditions are compared with it by sampled pixels.

WEBP_MAX_SIDE = 16383


def palette_halves(**options):
    image = Image.new("P", (400, 100), 0)
    image.putpalette([200, 30, 40, 20, 120, 220])
    image.paste(1, (200, 0, 400, 100))
    return encoded(image, "PNG", **options)


def png_16_bit(color_type, left, right, size=(400, 100)):
    """A PNG with 16 bits a sample, which Pillow cannot write: colour type 0 grey, 2 RGB, 4 grey + alpha."""
    width, height = size
    pixel = {value: b"".join(sample.to_bytes(2, "big") for sample in value) for value in (left, right)}
    row = b"\x00" + pixel[left] * (width // 2) + pixel[right] * (width - width // 2)
    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([16, color_type, 0, 0, 0])
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(row * height))
        + png_chunk(b"IEND", b"")
    )


def png_chunk(kind, data):
    return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")


def linear_rgb_profile():
    """An ICC profile with sRGB's primaries and no gamma (linear light): mid grey 128 in it is 188 in sRGB."""
    profile = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    curve = b"curv" + bytes(4) + (1).to_bytes(4, "big") + (0x0100).to_bytes(2, "big")  # gamma 1.0
    for index in range(int.from_bytes(profile[128:132], "big")):
        entry = 132 + 12 * index
        if profile[entry : entry + 4] in (b"rTRC", b"gTRC", b"bTRC"):
            offset = int.from_bytes(profile[entry + 4 : entry + 8], "big")
            profile[offset : offset + len(curve)] = curve
            profile[entry + 8 : entry + 12] = len(curve).to_bytes(4, "big")
    return bytes(profile)


LINEAR_RGB = linear_rgb_profile()

FAITHFUL_CASES = {
    "1-bit": (encoded(halves("1", 0, 1), "PNG"), (0, 0, 0), (255, 255, 255)),
    "grey": (encoded(halves("L", 60, 200), "PNG"), (60, 60, 60), (200, 200, 200)),
    "grey-jpeg": (encoded(halves("L", 60, 200), "JPEG"), (60, 60, 60), (200, 200, 200)),
    "grey-alpha": (encoded(halves("LA", (60, 255), (200, 0)), "PNG"), (60, 60, 60), TRANSPARENT),
    "palette": (palette_halves(), RED, BLUE),
    "palette-transparent": (palette_halves(transparency=1), RED, TRANSPARENT),
    "16-bit-grey": (encoded(halves("I;16", 30000, 65535), "PNG"), (117, 117, 117), (255, 255, 255)),
    "16-bit-grey-transparent": (
        encoded(halves("I;16", 30000, 65535), "PNG", transparency=65535),
        (117, 117, 117),
        TRANSPARENT,
    ),
    "16-bit-grey-alpha": (png_16_bit(4, (30000, 65535), (65535, 0)), (117, 117, 117), TRANSPARENT),
    "16-bit-rgb": (png_16_bit(2, (51400, 7710, 10280), (5140, 30840, 56540)), RED, BLUE),
    "rgb": (encoded(halves("RGB", RED, BLUE), "PNG"), RED, BLUE),
    "rgb-transparent": (encoded(halves("RGB", RED, BLUE), "PNG", transparency=BLUE), RED, TRANSPARENT),
    "rgba": (encoded(halves("RGBA", (*RED, 128), (*BLUE, 0)), "PNG"), (*RED, 128), TRANSPARENT),
    "rgb-jpeg": (encoded(halves("RGB", RED, BLUE), "JPEG", quality=95), RED, BLUE),
    "rgba-webp": (encoded(halves("RGBA", (*RED, 255), (*BLUE, 0)), "WEBP", lossless=True), RED, TRANSPARENT),
    "cmyk-adobe-jpeg": (
        encoded(halves("CMYK", (0, 255, 255, 0), (255, 0, 0, 0)), "JPEG", quality=95),
        (255, 0, 0),
        (0, 255, 255),
    ),
    "linear-profile-png": (
        encoded(halves("RGB", (128, 128, 128), (255, 0, 0)), "PNG", icc_profile=LINEAR_RGB),
        (188, 188, 188),
        (255, 0, 0),
    ),
    "linear-profile-jpeg": (
        encoded(halves("RGB", (128, 128, 128), (255, 0, 0)), "JPEG", quality=95, icc_profile=LINEAR_RGB),
        (188, 188, 188),
        (255, 0, 0),
    ),
}


@pytest.mark.parametrize(("content", "left", "right"), FAITHFUL_CASES.values(), ids=FAITHFUL_CASES.keys())
def test_every_rendition_shows_the_colours_of_the_upload(editor_client, director, content, left, right):
    response = upload(editor_client, director, content, name="scan.png")

    assert response.status_code == 302
    director.refresh_from_db()
    renditions = rendition_files(director)
    assert [rendition.width for rendition in director.image_renditions()] == [160, 400]
    for rendition in renditions:
        assert looks_like(sample(rendition, 0.2, 0.5), left), sample(rendition, 0.2, 0.5)
        assert looks_like(sample(rendition, 0.8, 0.5), right), sample(rendition, 0.8, 0.5)
        assert b"ICCP" not in rendition  # turned into sRGB, which is what a page assumes without a profile


def test_the_stored_original_keeps_its_colour_profile_and_transparency(editor_client, director):
    content = encoded(halves("RGBA", (128, 128, 128, 255), (0, 0, 0, 0)), "PNG", icc_profile=LINEAR_RGB)

    upload(editor_client, director, content, name="scan.png")

    director.refresh_from_db()
    with Image.open(BytesIO(read_stored(director.image.name))) as stored:
        assert stored.info["icc_profile"] == LINEAR_RGB
        assert stored.getpixel((300, 50))[3] == 0
        assert stored.getpixel((100, 50)) == (128, 128, 128, 255)


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ((500, 17000), [(160, 5440), (480, 16320), (481, 16354)]),
        ((1, 30000), [(1, WEBP_MAX_SIDE)]),
        ((30000, 1), [(160, 1), (480, 1), (960, 1), (1440, 1)]),
        ((17000, 500), [(160, 5), (480, 14), (960, 28), (1440, 42)]),
    ],
    ids=["long-screenshot", "one-pixel-wide", "one-pixel-high", "panorama"],
)
def test_a_picture_of_any_shape_gets_every_rendition_whole(editor_client, director, size, expected):
    # Dark in the first half of its long side, light in the second: a rendition cut short would show it.
    width, height = size
    second_half = (width // 2, 0, width, height) if width > height else (0, height // 2, width, height)
    picture_content = Image.new("L", size, 30)
    picture_content.paste(220, second_half)

    response = upload(editor_client, director, encoded(picture_content, "PNG"), name="screenshot.png")

    assert response.status_code == 302
    director.refresh_from_db()
    assert Person.objects.filter(pk=director.pk, image_width=width, image_height=height).exists()
    renditions = director.image_renditions()
    assert [(rendition.width, rendition.height) for rendition in renditions] == expected
    for rendition, content in zip(renditions, rendition_files(director), strict=True):
        with Image.open(BytesIO(content)) as image:
            assert image.format == "WEBP"
            assert image.size == (rendition.width, rendition.height)
        first, second = ((0.1, 0.5), (0.9, 0.5)) if width > height else ((0.5, 0.1), (0.5, 0.9))
        assert looks_like(sample(content, *first), (30, 30, 30))
        assert looks_like(sample(content, *second), (220, 220, 220))
