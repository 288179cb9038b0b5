"""Pages ask the storage nothing about their images: which renditions are in storage is recorded on the
image's row when the image is saved (uploaded, replaced, cleared, restored, loaded from the story's fixtures),
so a page of 50 images makes no exists() call, which on object storage such as S3 is a network request each.
A row without that record (stored before it existed, or written raw) gets its renditions made once.

Upload checks: tests/test_image_uploads.py; renditions and colours: tests/test_image_renditions.py.
"""

import importlib
import json
import re
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from reversion.models import Version

from editorial import pagecache
from editorial.images import rendition_path
from people.models import Person, Place
from press.models import Coverage, Work
from tests.admin_forms import admin_url, form_data
from tests.pictures import picture, upload
from tests.story import FILM, Q_AND_A, SPERANZA, new_person

pytestmark = pytest.mark.django_db

# Every FileSystemStorage method that reads or writes the disk; url() only joins strings, so pages call it.
STORAGE_IO = (
    "exists",
    "_open",
    "_save",
    "delete",
    "size",
    "listdir",
    "get_modified_time",
    "get_accessed_time",
)


@pytest.fixture
def storage_calls(monkeypatch):
    """The list of (method, path) of every storage call that does I/O, as they happen."""
    calls = []
    for name in STORAGE_IO:
        original = getattr(FileSystemStorage, name)

        def counted(storage, path, *args, _name=name, _original=original, **kwargs):
            calls.append((_name, path))
            return _original(storage, path, *args, **kwargs)

        monkeypatch.setattr(FileSystemStorage, name, counted)
    return calls


def illustrate(row, content, name="still.jpg"):
    """Gives row an image by a normal save, as a shell or a script would (the admin's upload: upload())."""
    row.image = ContentFile(content, name=name)
    row.image_alt = "A still of two strangers"
    row.image_credit = "Wren"
    row.save()
    return row


def srcset(html):
    """The storage paths a page's srcset offers, narrowest first."""
    (offered,) = re.findall(r'srcset="([^"]*)"', html)
    return [each.split()[0].removeprefix("/media/") for each in offered.split(", ")]


def fresh_page(client, row):
    """row's public page rendered now, not taken from the page cache; its HTML."""
    pagecache.start_new_version(next_change=pagecache.NO_SCHEDULE)
    response = client.get(row.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_public_pages_with_images_ask_the_storage_nothing(editor_client, director, visitor, storage_calls):
    upload(editor_client, director, picture())
    rows = [
        director,
        illustrate(Place.objects.get(slug=SPERANZA), picture(size=(600, 400))),
        illustrate(Work.objects.get(slug=FILM), picture(size=(2000, 1000))),
        illustrate(Coverage.objects.get(slug=Q_AND_A), picture("PNG", size=(300, 300))),
    ]
    storage_calls.clear()

    pages = [fresh_page(visitor, row) for row in rows]

    assert storage_calls == []
    assert [len(srcset(html)) for html in pages] == [4, 3, 4, 2]  # 1200, 600, 2000 and 300 px wide
    for html in pages:
        for path in srcset(html):
            assert default_storage.exists(path), path  # made when the image was saved


def test_a_list_of_50_thumbnails_asks_the_storage_nothing(editor_client, storage_calls):
    content = picture(size=(320, 200))
    for number in range(50):
        illustrate(new_person(f"illustrated-{number}", name=f"Illustrated {number}"), content)
    storage_calls.clear()

    response = editor_client.get(admin_url(Person, "changelist"), {"q": "Illustrated"})

    assert response.status_code == 200
    assert response.content.decode().count('<img src="/media/renditions/') == 50
    assert storage_calls == []


def test_a_replaced_image_gets_new_renditions_and_a_cleared_one_none(
    editor_client, director, visitor, storage_calls
):
    upload(editor_client, director, picture())
    first = srcset(fresh_page(visitor, director))

    upload(editor_client, director, picture("PNG", size=(500, 250)), name="second.png")
    storage_calls.clear()
    second = srcset(fresh_page(visitor, director))

    assert storage_calls == []
    assert second == [rendition_path("images/person/second.png", width) for width in (160, 480, 500)]
    assert not set(first) & set(second)
    assert all(default_storage.exists(path) for path in second)

    url = admin_url(Person, "change", director.pk)
    cleared = editor_client.post(
        url, {**form_data(editor_client.get(url)), "image-clear": "on", "_save": "Save"}
    )
    storage_calls.clear()
    html = fresh_page(visitor, director)

    assert cleared.status_code == 302
    assert storage_calls == []
    assert 'class="picture"' not in html
    director.refresh_from_db()
    assert not director.image


def test_a_row_without_a_record_gets_its_renditions_made_once(
    editor_client, director, visitor, storage_calls
):
    upload(editor_client, director, picture())
    director.refresh_from_db()
    changed_at = director.updated_at
    # As a row stored before renditions were recorded, one of them lost since.
    Person.objects.filter(pk=director.pk).update(image_renditions_made={})
    lost = rendition_path(director.image.name, 480)
    default_storage.delete(lost)

    first = fresh_page(visitor, director)
    storage_calls.clear()
    again = fresh_page(visitor, director)

    assert storage_calls == []  # recorded by the first page
    assert lost in srcset(first)
    assert srcset(again) == srcset(first)
    assert default_storage.exists(lost)
    director.refresh_from_db()
    assert director.updated_at == changed_at  # only the record was written, not a change of the row


def test_restoring_an_older_image_makes_its_lost_renditions_again(
    editor_client, director, visitor, storage_calls
):
    upload(editor_client, director, picture())
    director.refresh_from_db()
    old_paths = srcset(fresh_page(visitor, director))
    upload(editor_client, director, picture(size=(700, 500)), name="replacement.jpg")
    for path in old_paths:
        default_storage.delete(path)
    older = Version.objects.get_for_object(director).order_by("-pk")[1]

    restored = editor_client.post(reverse("admin:people_person_revision", args=(director.pk, older.pk)))
    storage_calls.clear()
    html = fresh_page(visitor, director)

    assert restored.status_code == 302
    assert storage_calls == []
    assert srcset(html) == old_paths
    assert all(default_storage.exists(path) for path in old_paths)


def test_a_fixture_that_names_an_image_loads_it_with_its_renditions(tmp_path, visitor, storage_calls):
    stored = default_storage.save("images/person/from-the-story.jpg", ContentFile(picture(size=(600, 400))))
    fixture = tmp_path / "illustrated.json"
    fields = {
        "slug": "illustrated-in-the-story",
        "name": "Illustrated In The Story",
        "status": "published",
        "image": stored,
        "image_width": 600,
        "image_height": 400,
        "image_alt": "A portrait",
        "image_credit": "Wren",
    }
    fixture.write_text(json.dumps([{"model": "people.person", "fields": fields}]))

    call_command("load_story", str(fixture), verbosity=0)
    storage_calls.clear()
    html = fresh_page(visitor, Person.objects.get(slug="illustrated-in-the-story"))

    assert storage_calls == []
    assert srcset(html) == [rendition_path(stored, width) for width in (160, 480, 600)]
    assert all(default_storage.exists(path) for path in srcset(html))


def test_the_migration_records_the_renditions_of_rows_stored_before(
    editor_client, director, visitor, storage_calls
):
    upload(editor_client, director, picture())
    director.refresh_from_db()
    Person.objects.filter(pk=director.pk).update(image_renditions_made={})
    lost = rendition_path(director.image.name, 160)
    default_storage.delete(lost)
    migration = importlib.import_module("people.migrations.0006_image_renditions_made")

    migration.record_renditions(apps, SimpleNamespace(connection=connection))
    storage_calls.clear()
    html = fresh_page(visitor, director)

    assert storage_calls == []
    assert lost in srcset(html)
    assert default_storage.exists(lost)
