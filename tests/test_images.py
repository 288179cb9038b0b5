"""Images editors upload: checked by content, stripped of EXIF, served as WebP renditions made once."""

import zlib
from io import BytesIO

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from people import images
from people.models import Person
from tests.admin_forms import admin_url, form_data

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
    return Person.objects.get(slug="tatia-pilieva")


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
