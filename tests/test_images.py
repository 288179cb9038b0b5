"""Images editors upload: checked by content, stripped of metadata, served as WebP renditions made once."""

import errno
import zlib
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageCms, PngImagePlugin

from editorial import images
from people.admin import PersonAdmin
from people.models import Person
from tests.admin_forms import admin_url, form_data, sent_back
from tests.story import DIRECTOR

pytestmark = pytest.mark.django_db

CAMERA = "SpyCam 3000"


def picture(image_format="JPEG", size=(1200, 800), exif=None):
    image = Image.effect_noise(size, 60).convert("RGB")
    output = BytesIO()
    options = {"exif": exif} if exif is not None else {}
    image.save(output, format=image_format, **options)
    return output.getvalue()


def camera_exif(orientation=1):
    exif = Image.Exif()
    exif[0x010F] = CAMERA  # Make
    exif[0x013B] = "Someone Private"  # Artist
    exif[0x0112] = orientation
    return exif


def png_claiming(width, height):
    """A tiny PNG whose header says it is width × height: what a decompression bomb looks like."""
    output = BytesIO()
    Image.new("L", (1, 1)).save(output, format="PNG")
    data = bytearray(output.getvalue())
    data[16:20] = width.to_bytes(4, "big")
    data[20:24] = height.to_bytes(4, "big")
    data[29:33] = zlib.crc32(bytes(data[12:29])).to_bytes(4, "big")
    return bytes(data)


def upload(client, person, content, name="portrait.jpg", **fields):
    url = admin_url(Person, "change", person.pk)
    data = form_data(client.get(url))
    data.update(
        {
            "image": SimpleUploadedFile(name, content),
            "image_alt": "Tatia Pilieva on set",
            "image_credit": "Wren",
            "_save": "Save",
            **fields,
        }
    )
    return client.post(url, data)


@pytest.fixture
def director():
    return Person.objects.get(slug=DIRECTOR)


def test_an_editor_uploads_a_portrait(editor_client, director):
    response = upload(editor_client, director, picture())

    director.refresh_from_db()
    assert response.status_code == 302
    assert director.image.name.startswith("images/person/portrait")
    assert (director.image_width, director.image_height) == (1200, 800)


def test_exif_is_stripped_on_save_and_the_picture_kept_upright(editor_client, director):
    upload(editor_client, director, picture(size=(40, 20), exif=camera_exif(orientation=6)))

    director.refresh_from_db()
    with director.image.open("rb") as stored_file:
        stored = stored_file.read()
    with Image.open(BytesIO(stored)) as image:
        assert not image.getexif()
        assert image.size == (20, 40)
    assert CAMERA.encode() not in stored


def test_the_saved_name_follows_the_content_not_the_extension(editor_client, director):
    upload(editor_client, director, picture("PNG"), name="portrait.jpg")

    director.refresh_from_db()
    assert director.image.name.endswith(".png")


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (picture("GIF"), "animated.jpg", "This file is a GIF image, whatever its name says"),
        (b"%PDF-1.7 not a picture at all", "contract.jpg", "This file is not an image"),
        (picture()[:4000], "cut-short.jpg", "This image is truncated or damaged"),
        (png_claiming(30000, 30000), "bomb.png", "over the limit of 40 megapixels"),
        (png_claiming(8000, 6000), "too-big.png", "8000 × 6000 pixels, over the limit of 40 megapixels"),
        (b"\xff\xd8" + bytes(images.MAX_UPLOAD_BYTES), "huge.jpg", "the limit is 10.0\xa0MB"),
    ],
    ids=["gif-renamed", "not-an-image", "truncated", "bomb", "too-many-pixels", "huge"],
)
def test_bad_uploads_are_refused_with_a_clear_message(editor_client, director, content, name, message):
    response = upload(editor_client, director, content, name=name)

    assert response.status_code == 200
    assert message in response.content.decode()
    director.refresh_from_db()
    assert not director.image
    assert not default_storage.exists("images/person")


def test_an_image_needs_alt_text_and_a_credit(editor_client, director):
    response = upload(editor_client, director, picture(), image_alt="", image_credit="")

    assert response.status_code == 200
    assert response.context["adminform"].form.errors.keys() >= {"image_alt", "image_credit"}
    director.refresh_from_db()
    assert not director.image


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
SECRET = "12 Hidden Lane, Someone Private"
TRANSPARENT = None  # a sampled pixel that must be see-through, whatever colour it hides


def encoded(image, image_format, **options):
    output = BytesIO()
    image.save(output, format=image_format, **options)
    return output.getvalue()


def halves(mode, left, right, size=(400, 100)):
    """A picture whose left half is one colour and right half another: easy to sample, hard to fake."""
    image = Image.new(mode, size, left)
    image.paste(right, (size[0] // 2, 0, *size))
    return image


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
SRGB_PROFILE = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
RED, BLUE = (200, 30, 40), (20, 120, 220)

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


def stored_files():
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def read_stored(path):
    with default_storage.open(path) as stored:
        return stored.read()


def rendition_files(person):
    return [read_stored(rendition.url.removeprefix("/media/")) for rendition in person.image_renditions()]


def sample(content, x, y):
    """The RGBA pixel at (x, y) given as fractions of the width and height."""
    with Image.open(BytesIO(content)) as image:
        rgba = image.convert("RGBA")
        return rgba.getpixel(
            (min(rgba.width - 1, int(x * rgba.width)), min(rgba.height - 1, int(y * rgba.height)))
        )


def looks_like(pixel, expected, tolerance=8):
    if expected is TRANSPARENT:
        return pixel[3] == 0
    expected = (*expected, 255) if len(expected) == 3 else expected
    return all(abs(got - wanted) <= tolerance for got, wanted in zip(pixel, expected, strict=True))


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


def jpeg_segment(marker, payload):
    return bytes([0xFF, marker]) + (len(payload) + 2).to_bytes(2, "big") + payload


def exif_with_secret():
    exif = camera_exif()
    exif[0x010E] = SECRET  # ImageDescription
    exif[0x8298] = SECRET  # Copyright
    exif.get_ifd(0x8825)[0x001B] = SECRET  # GPSProcessingMethod, in the GPS block
    return exif


XMP = (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    '<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" '
    f'dc:creator="{SECRET}"/></rdf:RDF></x:xmpmeta>'
).encode()
IPTC_CAPTION = b"\x1c\x02\x78" + len(SECRET).to_bytes(2, "big") + SECRET.encode()
PHOTOSHOP_IPTC = (
    b"Photoshop 3.0\x00" + b"8BIM\x04\x04\x00\x00" + len(IPTC_CAPTION).to_bytes(4, "big") + IPTC_CAPTION
)
JPEG_SECRETS = {
    "comment": SECRET.encode(),
    "exif": exif_with_secret(),
    "xmp": XMP,
    # Photoshop's IPTC block (APP13) and an application's own segment (APP15).
    "extra": jpeg_segment(0xED, PHOTOSHOP_IPTC) + jpeg_segment(0xEF, b"Private\x00" + SECRET.encode()),
}


def secret_png():
    text = PngImagePlugin.PngInfo()
    text.add_text("Author", SECRET)
    text.add_text("Comment", SECRET, zip=True)
    text.add_itxt("Description", SECRET, lang="en", tkey="Description")
    text.add_itxt("Location", SECRET, zip=True)
    text.add_itxt("XML:com.adobe.xmp", XMP.decode())
    text.add(b"prVt", SECRET.encode())  # a private ancillary chunk
    image = halves("RGBA", (*RED, 255), (*BLUE, 0))
    content = encoded(image, "PNG", pnginfo=text, exif=exif_with_secret(), icc_profile=SRGB_PROFILE)
    return content + SECRET.encode()  # after the end


def secret_mpo():
    frames = [Image.new("RGB", (400, 100), RED), Image.new("RGB", (80, 20), BLUE)]
    return encoded(frames[0], "MPO", save_all=True, append_images=frames[1:], **JPEG_SECRETS)


SECRET_CASES = {
    "jpeg": encoded(halves("RGB", RED, BLUE), "JPEG", icc_profile=SRGB_PROFILE, **JPEG_SECRETS)
    + SECRET.encode(),  # after the end
    "cmyk-jpeg": encoded(halves("CMYK", (0, 255, 255, 0), (255, 0, 0, 0)), "JPEG", **JPEG_SECRETS),
    "mpo": secret_mpo(),
    "png": secret_png(),
    "webp": encoded(
        halves("RGBA", (*RED, 255), (*BLUE, 0)),
        "WEBP",
        exif=exif_with_secret(),
        xmp=XMP,
        icc_profile=SRGB_PROFILE,
    ),
}


def jpeg_parts(content):
    """Each segment before the picture's data as marker:identifier (APP0:JFIF), and what follows its end."""
    parts, position = [], 2
    while content[position + 1] != 0xDA:  # start of scan: the compressed picture, then its end (FF D9)
        marker, length = content[position + 1], int.from_bytes(content[position + 2 : position + 4], "big")
        identifier = content[position + 4 : position + 4 + length - 2].split(b"\x00")[0][:12]
        parts.append(
            f"APP{marker - 0xE0}:{identifier.decode('latin-1')}" if 0xE0 <= marker <= 0xEF else hex(marker)
        )
        position += 2 + length
    return parts, content[content.index(b"\xff\xd9", position) + 2 :]


def png_parts(content):
    parts, position = [], 8
    while parts[-1:] != ["IEND"]:
        length = int.from_bytes(content[position : position + 4], "big")
        parts.append(content[position + 4 : position + 8].decode("latin-1"))
        position += 12 + length
    return parts, content[position:]


def webp_parts(content):
    parts, position = [], 12
    while position < len(content):
        length = int.from_bytes(content[position + 4 : position + 8], "little")
        parts.append(content[position : position + 4].decode("latin-1").strip())
        position += 8 + length + length % 2
    return parts, b""


# What a picture needs to look right: its pixels, colour profile and transparency, and the JPEG headers
# (JFIF, Adobe's colour transform) and quantisation, Huffman, frame and restart tables that decode it.
PARTS_A_PICTURE_NEEDS = {
    "JPEG": (
        jpeg_parts,
        {"APP0:JFIF", "APP2:ICC_PROFILE", "APP14:Adobe", "0xdb", "0xc4", "0xc0", "0xdd"},
    ),
    "PNG": (png_parts, {"IHDR", "PLTE", "tRNS", "iCCP", "IDAT", "IEND"}),
    "WEBP": (webp_parts, {"VP8X", "VP8", "VP8L", "ALPH", "ICCP"}),
}


def assert_nothing_but_the_picture(content):
    with Image.open(BytesIO(content)) as image:
        read_parts, allowed = PARTS_A_PICTURE_NEEDS[image.format]
    parts, after_the_end = read_parts(content)
    assert set(parts) <= allowed
    assert after_the_end == b""
    assert SECRET.encode() not in content


@pytest.mark.parametrize("content", SECRET_CASES.values(), ids=SECRET_CASES.keys())
def test_every_kind_of_metadata_is_removed_from_the_original_and_its_renditions(
    editor_client, director, content
):
    with Image.open(BytesIO(content)) as planted:  # the secret is where a reader of metadata would find it
        assert SECRET in str(planted.info) + str(dict(planted.getexif().get_ifd(0x8825)))

    response = upload(editor_client, director, content, name="from-my-phone.jpg")

    assert response.status_code == 302
    director.refresh_from_db()
    original = read_stored(director.image.name)
    assert_nothing_but_the_picture(original)
    for rendition in rendition_files(director):
        assert_nothing_but_the_picture(rendition)
        assert webp_parts(rendition)[0][-1] in ("VP8", "VP8L")  # no colour profile: already sRGB
        assert looks_like(sample(rendition, 0.2, 0.5), sample(original, 0.2, 0.5))


def test_what_the_picture_needs_to_look_right_is_kept(editor_client, director):
    upload(editor_client, director, SECRET_CASES["png"], name="screenshot.png")

    director.refresh_from_db()
    with Image.open(BytesIO(read_stored(director.image.name))) as stored:
        assert stored.info["icc_profile"] == SRGB_PROFILE
        assert stored.getpixel((100, 50)) == (*RED, 255)
        assert stored.getpixel((300, 50))[3] == 0


def test_a_camera_jpeg_with_extra_frames_is_stored_as_the_jpeg_it_is(editor_client, director):
    with Image.open(BytesIO(SECRET_CASES["mpo"])) as camera_file:
        assert (camera_file.format, camera_file.n_frames) == ("MPO", 2)

    response = upload(editor_client, director, SECRET_CASES["mpo"], name="IMG_0001.JPG")

    assert response.status_code == 302
    director.refresh_from_db()
    assert director.image.name.endswith(".jpg")
    assert (director.image_width, director.image_height) == (400, 100)
    with Image.open(BytesIO(read_stored(director.image.name))) as stored:
        assert stored.format == "JPEG"
        assert getattr(stored, "n_frames", 1) == 1
    for rendition in rendition_files(director):
        assert looks_like(sample(rendition, 0.5, 0.5), RED)  # the first frame: the picture, not a preview


def test_a_picture_that_cannot_be_converted_is_refused_and_nothing_is_stored(
    editor_client, director, monkeypatch
):
    def encoder_refuses(*args):
        raise ValueError("encoding error 5: Image size exceeds WebP limit of 16383 pixels")

    monkeypatch.setattr(images, "encode_rendition", encoder_refuses)

    response = upload(editor_client, director, picture())

    assert response.status_code == 200
    assert "This JPEG image (RGB) cannot be converted for the site" in response.content.decode()
    director.refresh_from_db()
    assert not director.image
    assert stored_files() == []


def test_a_save_that_fails_halfway_leaves_no_file_behind(editor_client, director, monkeypatch):
    save = FileSystemStorage._save

    def save_until_the_disk_is_full(storage, name, content):
        if name.endswith("/480.webp"):  # after the original and the 160 px rendition
            raise OSError(errno.ENOSPC, "No space left on device")
        return save(storage, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", save_until_the_disk_is_full)

    refused = upload(editor_client, director, picture())

    html = sent_back(refused)
    assert "Nothing was saved: the server could not store a file (No space left on device)" in html
    assert "Tatia Pilieva on set" in html  # the alt text, as typed
    assert stored_files() == []
    director.refresh_from_db()
    assert not director.image


def test_a_row_rolled_back_after_its_files_were_written_leaves_no_file_behind(
    editor_client, director, monkeypatch
):
    def fails_after_the_save(*args):
        raise RuntimeError("the admin's log could not be written")

    monkeypatch.setattr(PersonAdmin, "log_change", fails_after_the_save)

    with pytest.raises(RuntimeError):
        upload(editor_client, director, picture())

    assert stored_files() == []
    director.refresh_from_db()
    assert not director.image


def test_a_page_whose_stored_image_went_missing_still_shows(editor_client, director, visitor):
    upload(editor_client, director, picture())
    for path in stored_files():
        default_storage.delete(path)

    response = visitor.get(director.get_absolute_url())

    assert response.status_code == 200
    assert 'srcset="/media/renditions/' not in response.content.decode()
