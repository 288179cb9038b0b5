"""The story's commands: load_story adds what is missing and leaves alone what editors changed or deleted,
saying so row by row; restore_story lists what it would change, asks, and changes exactly that; a bad or
malformed fixture is refused naming the object and field, and nothing is loaded.

What the loaded story holds: tests/test_story_content.py.
"""

import json
import re
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models
from reversion.models import Version

from people.models import Person
from press.models import Coverage, Fact, Quote
from tests.admin_forms import admin_url, form_data
from tests.story import APP_MODELS, ARTICLE, CLOSE_UPS, FILM, MELISSA_COKER, Q_AND_A, SOKO

pytestmark = pytest.mark.django_db


def stored_rows():
    return {model._meta.label: sorted(model.objects.values_list("pk", flat=True)) for model in APP_MODELS}


def write_fixture(tmp_path, objects):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(objects), encoding="utf-8")
    return str(path)


def test_loading_twice_leaves_the_same_rows():
    before = stored_rows()

    call_command("load_story", verbosity=0)

    assert stored_rows() == before


def edit_in_the_admin(client, instance, **changes):
    """Saves the instance's admin change form with the given fields changed, as an editor would."""
    url = admin_url(type(instance), "change", instance.pk)
    data = {**form_data(client.get(url)), **changes}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def every_table():
    """Every row of every table, by model label and pk; generated columns aside (the database derives
    them), and the versions a change records of itself (reversion's tables) aside too."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label == "reversion":
            continue
        names = [
            field.attname
            for field in model._meta.concrete_fields
            if not isinstance(field, models.GeneratedField)
        ]
        tables[model._meta.label] = {row[model._meta.pk.attname]: row for row in model.objects.values(*names)}
    return tables


def changed_cells(before, after):
    """{(model label, pk): {field: (before, after)}} for every row added, deleted or changed."""
    changed = {}
    for label, rows in after.items():
        for pk in before[label].keys() | rows.keys():
            old, new = before[label].get(pk, {}), rows.get(pk, {})
            cells = {name: (old.get(name), new.get(name)) for name in old.keys() | new.keys()}
            cells = {name: pair for name, pair in cells.items() if pair[0] != pair[1]}
            if cells:
                changed[label, pk] = cells
    return changed


def run(command, *args, answer=None, monkeypatch=None, **options):
    out = StringIO()
    if answer is not None:
        monkeypatch.setattr("builtins.input", answer)
    call_command(command, *args, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def edited_piece(editor_client):
    """The article, its summary and status changed and an author added by an editor in the admin."""
    article = Coverage.objects.get(slug=ARTICLE)
    soko = Person.objects.get(slug=SOKO)
    edit_in_the_admin(
        editor_client, article, summary="An editor's own summary.", status="draft", authors=[str(soko.pk)]
    )
    article.refresh_from_db()
    assert (article.summary, article.status, list(article.authors.all())) == (
        "An editor's own summary.",
        "draft",
        [soko],
    )
    return article


def test_an_editors_change_survives_the_load(edited_piece):
    before = every_table()

    report = run("load_story")  # as `make fixtures` runs it

    edited_piece.refresh_from_db()
    assert edited_piece.summary == "An editor's own summary."
    assert edited_piece.status == "draft"
    assert [author.slug for author in edited_piece.authors.all()] == [SOKO]
    assert changed_cells(before, every_table()) == {}
    assert "Story: 195 left alone (195 rows in 3 fixture files)." in report
    assert "  press.coverage: 5 left alone" in report


def test_the_load_says_what_it_added_and_what_it_left_alone(tmp_path):
    path = write_fixture(
        tmp_path,
        [
            {"model": "people.person", "fields": {"slug": SOKO, "name": "Soko (as the story has it)"}},
            {"model": "people.person", "fields": {"slug": "new-person", "name": "New Person"}},
            {"model": "people.neighbourhood", "fields": {"slug": "echo-park", "name": "Echo Park"}},
        ],
    )

    report = run("load_story", path, verbosity=2)

    assert "Story: 2 added, 1 left alone (3 rows in 1 fixture files)." in report
    assert "  people.person: 1 added, 1 left alone" in report
    assert "  people.neighbourhood: 1 added" in report
    assert "  added: people.person “new-person”" in report
    assert f"  left alone: people.person “{SOKO}”" in report
    assert Person.objects.get(slug=SOKO).name == "Soko"
    assert Person.objects.get(slug="new-person").name == "New Person"
    assert "Story: 3 left alone" in run("load_story", path)


def test_a_row_an_editor_deleted_stays_deleted_and_restoring_brings_it_back(editor_client):
    quote = Quote.objects.get(passage__slug=CLOSE_UPS)
    name = f"press.quote “{quote.passage.coverage.slug} / {CLOSE_UPS}”"
    response = editor_client.post(admin_url(Quote, "delete", quote.pk), {"post": "yes"})
    assert response.status_code == 302
    before = every_table()

    report = run("load_story", verbosity=2)

    assert not Quote.objects.filter(passage__slug=CLOSE_UPS).exists()
    assert changed_cells(before, every_table()) == {}
    assert "Story: 194 left alone, 1 left deleted" in report
    assert "  press.quote: 7 left alone, 1 left deleted" in report
    assert f"  left deleted: {name}\n" in report

    listing = run("restore_story", dry_run=True)

    assert f"  {name}: re-created\n" in listing
    assert not Quote.objects.filter(passage__slug=CLOSE_UPS).exists()

    run("restore_story", interactive=False)

    assert Quote.objects.get(passage__slug=CLOSE_UPS).speaker.slug == MELISSA_COKER
    assert "Story: 195 left alone" in run("load_story")


def test_a_new_story_row_that_refers_to_a_deleted_row_is_left_out(tmp_path):
    person = {"model": "people.person", "fields": {"slug": "new-person", "name": "New Person"}}
    fact = {
        "model": "press.fact",
        "fields": {
            "passage": [Q_AND_A, "reddit"],
            "statement": "Shared the film on Reddit",
            "topic": "release",
            "person": ["new-person"],
        },
    }
    run("load_story", write_fixture(tmp_path, [person]))
    Person.objects.get(slug="new-person").delete()

    report = run("load_story", write_fixture(tmp_path, [person, fact]), verbosity=2)

    assert not Person.objects.filter(slug="new-person").exists()
    assert not Fact.objects.filter(statement="Shared the film on Reddit").exists()
    assert "Story: 1 left deleted, 1 left out" in report
    assert "left out: press.fact" in report
    assert "(it refers to people.person “new-person”, which is not there)" in report


def test_the_restore_lists_the_edit_first_and_a_dry_run_changes_nothing(edited_piece):
    before = every_table()

    listing = run("restore_story", dry_run=True)

    assert listing.startswith("Restoring the story would change 1 row:\n")
    assert f"  press.coverage “{ARTICLE}”: restored\n" in listing
    assert "    status: “draft” -> “published”\n" in listing
    assert (
        "    summary: “An editor's own summary.” -> “How First Kiss was made, three days after it" in listing
    )
    assert "    authors: “Soko” -> (none)\n" in listing
    assert listing.endswith("Dry run: nothing was changed.\n")
    assert changed_cells(before, every_table()) == {}


def test_the_restore_changes_exactly_what_it_listed(edited_piece):
    authorship = Coverage.authors.through.objects.get(coverage=edited_piece)
    before = every_table()

    report = run("restore_story", interactive=False)

    article = Coverage.objects.get(slug=ARTICLE)
    assert report.endswith("Restored 1 rows, exactly as listed.\n")
    newest = Version.objects.get_for_object(article).first()
    assert newest.revision.comment == "Restored from the story (restore_story)."
    assert article.status == "published"
    assert article.summary.startswith("How First Kiss was made")
    assert changed_cells(before, every_table()) == {
        ("press.Coverage", article.pk): {
            "summary": ("An editor's own summary.", article.summary),
            "status": ("draft", "published"),
        },
        ("press.Coverage_authors", authorship.pk): {
            "id": (authorship.pk, None),
            "coverage_id": (article.pk, None),
            "person_id": (authorship.person_id, None),
        },
    }


def test_answering_no_changes_nothing(edited_piece, monkeypatch):
    before = every_table()
    questions = []

    report = run(
        "restore_story", answer=lambda prompt: questions.append(prompt) or "no", monkeypatch=monkeypatch
    )

    assert questions == ["Restore these 1 rows? Type 'yes' to continue, or 'no' to cancel: "]
    assert f"  press.coverage “{ARTICLE}”: restored\n" in report
    assert report.endswith("Restore cancelled: nothing was changed.\n")
    assert changed_cells(before, every_table()) == {}


def test_a_change_made_while_the_list_is_read_stops_the_restore(edited_piece, monkeypatch):
    def edit_meanwhile(prompt):
        Coverage.objects.filter(slug=ARTICLE).update(summary="Edited while the list was read.")
        return "yes"

    with pytest.raises(
        CommandError, match="The database changed after the list was made; nothing was restored"
    ):
        run("restore_story", answer=edit_meanwhile, monkeypatch=monkeypatch)

    article = Coverage.objects.get(slug=ARTICLE)
    assert (article.summary, article.status) == ("Edited while the list was read.", "draft")


def test_restoring_an_unchanged_story_changes_nothing():
    before = every_table()

    report = run("restore_story", interactive=False)

    assert report == "Nothing to restore: every story row is as the fixtures have it.\n"
    assert changed_cells(before, every_table()) == {}


@pytest.mark.parametrize(
    ("objects", "message"),
    [
        (
            [{"model": "press.quote", "fields": {"passage": ["no-such-piece", "x"], "words": "Hello"}}],
            'object 1 (press.quote “Hello”): field \'passage\': no passage with key ["no-such-piece", "x"]',
        ),
        (
            [
                {
                    "model": "people.place",
                    "fields": {
                        "slug": "nowhere",
                        "name": "Nowhere",
                        "category": "restaurant",
                        "neighbourhood": ["atlantis"],
                    },
                }
            ],
            "(people.place “nowhere”): field 'neighbourhood': no neighbourhood with key [\"atlantis\"]",
        ),
        (
            [
                {
                    "model": "press.passage",
                    "fields": {
                        "coverage": [Q_AND_A],
                        "slug": "made-up",
                        "text": "I love the humanity of Paris.",
                    },
                }
            ],
            "object 1 (press.passage “made-up”): field 'text': Not found in the text of",
        ),
        (
            [{"model": "people.place", "fields": {"slug": "bar", "name": "Bar", "category": "nightclub"}}],
            "object 1 (people.place “bar”): field 'category': Value 'nightclub' is not a valid choice.",
        ),
        (
            [
                {
                    "model": "press.milestone",
                    "fields": {
                        "passage": [Q_AND_A, "reddit"],
                        "work": [FILM],
                        "views": "lots",
                        "views_wording": "lots",
                    },
                }
            ],
            "object 1 (press.milestone): field 'views': “lots” value must be an integer.",
        ),
        (
            [{"model": "people.person", "fields": {"slug": "someone", "name": "Someone", "shoe_size": 9}}],
            "field 'shoe_size': people.person has no such field",
        ),
    ],
)
def test_a_bad_row_names_object_and_field_and_changes_nothing(tmp_path, objects, message):
    valid_first = {"model": "people.person", "fields": {"slug": "new-person", "name": "New Person"}}
    edited_first = {"model": "people.person", "fields": {"slug": SOKO, "name": "Soko (edited)"}}
    before = stored_rows()

    with pytest.raises(CommandError) as error:
        call_command(
            "load_story", write_fixture(tmp_path, [valid_first, edited_first, *objects]), verbosity=0
        )

    assert message.replace("object 1", "object 3") in str(error.value)
    assert "Nothing was loaded" in str(error.value)
    assert stored_rows() == before
    assert Person.objects.get(slug=SOKO).name == "Soko"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[{", "not valid JSON at line 1"),
        ('{"model": "people.person"}', "a fixture is a JSON list of objects"),
        ('[{"model": "people.person"}]', 'each object needs a "model" name and a "fields" mapping'),
        ('[{"model": "nope.thing", "fields": {}}]', "unknown model “nope.thing”"),
    ],
)
def test_a_malformed_fixture_is_refused_clearly(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")

    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("load_story", str(path), verbosity=0)


def test_a_missing_fixture_file_is_named(tmp_path):
    with pytest.raises(CommandError, match="no such fixture file"):
        call_command("load_story", str(tmp_path / "absent.json"), verbosity=0)
