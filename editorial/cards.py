"""Social card images (1200x630 PNG) drawn with Pillow, made once per wording and again when it changes.

A card's file name carries a hash of what it shows, so an edited title gets a new file, and the old one
is removed when the new one is made.
"""

import hashlib
import textwrap
from pathlib import Path

from django.conf import settings
from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
MARGIN = 80


def version(title, subtitle):
    """The card's version: the first 12 hex digits of the SHA-256 of its title, subtitle and SITE_NAME."""
    return hashlib.sha256(f"{title}\n{subtitle}\n{settings.SITE_NAME}".encode()).hexdigest()[:12]


def card_path(kind, slug, title, subtitle):
    """Where the card of this wording is stored: MEDIA_ROOT/cards/<kind>/<slug>-<version>.png (a Path)."""
    return Path(settings.MEDIA_ROOT) / "cards" / kind / f"{slug}-{version(title, subtitle)}.png"


def card_file(kind, slug, title, subtitle):
    """The card's file, drawn now if this wording has none yet."""
    path = card_path(kind, slug, title, subtitle)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        for stale in path.parent.glob(f"{slug}-*.png"):
            stale.unlink(missing_ok=True)
        temporary = path.with_suffix(".tmp")
        draw_card(title, subtitle).save(temporary, format="PNG", optimize=True)
        temporary.replace(path)  # never serve a half-written file
    return path


def draw_card(title, subtitle):
    """The card as a Pillow RGB image, WIDTH x HEIGHT pixels: up to four lines of the title, three of the
    subtitle, the site's name at the foot. Longer text is cut, not shrunk.
    """
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, WIDTH - 1, HEIGHT - 1], outline="black", width=16)
    title_font = ImageFont.load_default(size=64)
    subtitle_font = ImageFont.load_default(size=34)
    site_font = ImageFont.load_default(size=28)
    y = MARGIN
    for line in textwrap.wrap(title, width=30)[:4]:
        draw.text((MARGIN, y), line, fill="black", font=title_font)
        y += 78
    y += 20
    for line in textwrap.wrap(subtitle, width=58)[:3]:
        draw.text((MARGIN, y), line, fill="#333333", font=subtitle_font)
        y += 46
    draw.line([MARGIN, HEIGHT - 120, WIDTH - MARGIN, HEIGHT - 120], fill="black", width=3)
    draw.text((MARGIN, HEIGHT - 100), settings.SITE_NAME, fill="black", font=site_font)
    return image
