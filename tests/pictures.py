"""Pictures for the image tests, and the upload of one through the admin.

`picture` makes a noisy JPEG (or any format Pillow writes), `halves` a picture whose two halves differ in
colour, `encoded` writes a Pillow image as file bytes; `upload` posts a file to a person's admin change form
as an editor would. `sample` and `looks_like` compare a stored file with the picture it should show;
`stored_files`, `read_stored` and `rendition_files` read what the storage holds. The person to upload to is
conftest's `director` fixture.
"""

from io import BytesIO
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from people.models import Person
from tests.admin_forms import admin_url, form_data

CAMERA = "SpyCam 3000"
TRANSPARENT = None  # a sampled pixel that must be see-through, whatever colour it hides
RED, BLUE = (200, 30, 40), (20, 120, 220)


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


def encoded(image, image_format, **options):
    output = BytesIO()
    image.save(output, format=image_format, **options)
    return output.getvalue()


def halves(mode, left, right, size=(400, 100)):
    """A picture whose left half is one colour and right half another: easy to sample, hard to fake."""
    image = Image.new(mode, size, left)
    image.paste(right, (size[0] // 2, 0, *size))
    return image


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
