"""Every kind of metadata a picture file can carry (EXIF and GPS, XMP, IPTC, comments, PNG text and private
chunks, bytes after the end, an MPO's extra frames) is removed from the stored original and its renditions;
what the picture needs to look right (its colour profile, transparency, decoding tables) is kept.

Upload checks: tests/test_image_uploads.py; renditions and colours: tests/test_image_renditions.py.
"""

from io import BytesIO

import pytest
from PIL import Image, ImageCms, PngImagePlugin

from tests.pictures import (
    BLUE,
    RED,
    camera_exif,
    encoded,
    halves,
    looks_like,
    read_stored,
    rendition_files,
    sample,
    upload,
)

pytestmark = pytest.mark.django_db

SECRET = "12 Hidden Lane, Someone Private"
SRGB_PROFILE = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


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
