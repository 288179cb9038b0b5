import os
from pathlib import Path

import pytest
from django.core.management import call_command

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test starts from the whole story, loaded once; each test's changes are rolled back."""
    with django_db_blocker.unblock():
        call_command("load_story", verbosity=0)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Each test's uploads, social cards and spreadsheets waiting to be imported in folders of its own, so a
    test sees only the files it made."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.COVERAGE_IMPORT_DIR = tmp_path / "imports"


@pytest.fixture(autouse=True)
def _fresh_page_cache():
    """No test sees a page another test cached (the page cache is on: config/settings/test.py).

    Each test's rows are rolled back without a signal, so each test starts by purging every page.
    """
    from editorial import pagecache

    pagecache.start_new_version(next_change=pagecache.NO_SCHEDULE)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright; never a downloaded browser. In CI its absence fails."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: apt-get install -y chromium"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the tests' own database calls are safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS
        )
        yield chromium
        chromium.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def site_url(live_server):
    """The live server, with the story loaded: live-server tests run in a transaction that is flushed."""
    call_command("load_story", verbosity=0)
    return live_server.url


@pytest.fixture
def editor(db):
    from tests.story import new_staff_member

    return new_staff_member("eddie", "Editors")


@pytest.fixture
def contributor(db):
    from tests.story import new_staff_member

    return new_staff_member("connie", "Contributors")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def contributor_client(client, contributor):
    client.force_login(contributor)
    return client


@pytest.fixture
def visitor():
    """A visitor's browser, not logged in, beside a logged-in client."""
    from django.test import Client

    return Client()


@pytest.fixture
def director(db):
    """The film's director, Tatia Pilieva, as the story has her: the person the image tests upload to."""
    from people.models import Person
    from tests.story import DIRECTOR

    return Person.objects.get(slug=DIRECTOR)


@pytest.fixture(params=["superuser", "contributor"])
def staff(request, db):
    """For the fuzz layer: a client signed in as a superuser, then as a contributor, that answers a server
    error instead of raising it (the test reports it with its traceback)."""
    from django.test import Client

    from tests.story import new_staff_member

    if request.param == "superuser":
        user = new_staff_member("fuzz-superuser", is_superuser=True)
    else:
        user = new_staff_member("fuzz-contributor", "Contributors")
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.fixture
def editorial_groups(transactional_db):
    """The groups the data migrations make: a transactional test's flush empties them, so remake them."""
    import importlib
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    schema_editor = SimpleNamespace(connection=connection)
    importlib.import_module("press.migrations.0003_contributors_and_editors").make_groups(apps, schema_editor)
    importlib.import_module("people.migrations.0005_editorial_group_permissions").grant(apps, schema_editor)
    importlib.import_module("press.migrations.0011_coverage_report").grant_to_editors(apps, schema_editor)
    importlib.import_module("editorial.migrations.0002_site_and_redirect_permissions").name_site_and_grant(
        apps, schema_editor
    )
    importlib.import_module("editorial.migrations.0004_two_factor_reset_permission").grant_to_editors(
        apps, schema_editor
    )
    importlib.import_module(
        "editorial.migrations.0004_sign_in_lockouts_and_sessions"
    ).grant_unlock_to_editors(apps, schema_editor)
