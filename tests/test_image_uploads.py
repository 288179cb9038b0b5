"""What an editor's upload must be: an image by its content (not its name), whole, within the size limits,
with alt text and a credit; refused with a clear message otherwise. Camera metadata is stripped and the
picture kept upright; a save that fails or is rolled back leaves no file behind; a page whose stored image
went missing still shows, and its next save finds the files gone.

Renditions and colours: tests/test_image_renditions.py; every kind of metadata: tests/test_image_metadata.py.
"""

import errno
import zlib
from io import BytesIO

import pytest
from django.core.files.storage import FileSystemStorage, default_storage
from PIL import Image

from editorial import images, pictures
from people.admin import PersonAdmin
from people.models import Person
from tests.admin_forms import admin_url, form_data, sent_back
from tests.pictures import CAMERA, camera_exif, picture, stored_files, upload

pytestmark = pytest.mark.django_db


def png_claiming(width, height):
    """A tiny PNG whose header says it is width × height: what a decompression bomb looks like."""
    output = BytesIO()
    Image.new("L", (1, 1)).save(output, format="PNG")
    data = bytearray(output.getvalue())
    data[16:20] = width.to_bytes(4, "big")
    data[20:24] = height.to_bytes(4, "big")
    data[29:33] = zlib.crc32(bytes(data[12:29])).to_bytes(4, "big")
    return bytes(data)


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


def test_a_picture_that_cannot_be_converted_is_refused_and_nothing_is_stored(
    editor_client, director, monkeypatch
):
    def encoder_refuses(*args):
        raise ValueError("encoding error 5: Image size exceeds WebP limit of 16383 pixels")

    monkeypatch.setattr(pictures, "encode_rendition", encoder_refuses)

    response = upload(editor_client, director, picture())

    assert response.status_code == 200
    assert "This JPEG image (RGB) cannot be converted for the site" in response.content.decode()
    director.refresh_from_db()
    assert not director.image
    assert stored_files() == []


def test_an_image_needs_alt_text_and_a_credit(editor_client, director):
    response = upload(editor_client, director, picture(), image_alt="", image_credit="")

    assert response.status_code == 200
    assert response.context["adminform"].form.errors.keys() >= {"image_alt", "image_credit"}
    director.refresh_from_db()
    assert not director.image


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
    url = admin_url(Person, "change", director.pk)
    saved = editor_client.post(url, {**form_data(editor_client.get(url)), "_save": "Save"})
    after_a_save = visitor.get(director.get_absolute_url())

    # A page asks the storage nothing (tests/test_image_storage.py), so it cannot tell files are gone; the
    # next save of the row checks them, and the page then offers no picture instead of broken ones.
    assert response.status_code == 200
    assert saved.status_code == 302
    assert after_a_save.status_code == 200
    assert 'srcset="/media/renditions/' not in after_a_save.content.decode()
