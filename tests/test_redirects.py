"""Old addresses keep working: a page on the site that moves (a new slug) answers 301 from its old address to
the new one, and one that is deleted answers 410 Gone with a page saying so. Drafts never leave redirects.
The page cache is on (as in production): it neither hides a redirect nor keeps a 301 or 410."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.redirects.models import Redirect
from django.contrib.sites.models import Site
from django.test import Client

from people.models import Neighbourhood, Organization, Person, Place
from press.models import Coverage, Outlet, Work
from tests.admin_forms import admin_url, change_form
from tests.story import (
    FILM,
    PRET_A_REPORTER,
    Q_AND_A,
    SILVER_LAKE,
    SOKO,
    WREN,
    new_person,
    new_piece,
    sitemap_sections,
)

pytestmark = pytest.mark.django_db

OLD = f"/coverage/{Q_AND_A}/"
PIECE = "/coverage/a-new-piece/"  # new_piece()'s


def move(client, obj, slug):
    """Changes obj's slug through its admin change form as client; asserts the save went through."""
    url, _, data = change_form(client, obj)
    response = client.post(url, {**data, "slug": slug})
    assert response.status_code == 302, response.content.decode()[:2000]


def rename(obj, slug):
    """Changes obj's slug by a plain save, as code outside the admin would."""
    obj.slug = slug
    obj.save()


def test_a_slug_changed_in_the_admin_answers_301_from_the_old_address(editor_client, visitor):
    assert visitor.get(OLD).status_code == 200  # and now in the page cache

    move(editor_client, Coverage.objects.get(slug=Q_AND_A), "the-director-opens-up")

    old = visitor.get(OLD)
    assert old.status_code == 301
    assert old["Location"] == "/coverage/the-director-opens-up/"
    assert visitor.get("/coverage/the-director-opens-up/").status_code == 200


@pytest.mark.parametrize(
    ("model", "slug", "prefix"),
    [
        (Person, SOKO, "/people/"),
        (Place, "speranza", "/places/"),
        (Work, FILM, "/films/"),
        (Outlet, PRET_A_REPORTER, "/outlets/"),
        (Neighbourhood, SILVER_LAKE, "/neighbourhoods/"),
    ],
)
def test_every_kind_of_page_redirects_when_it_moves(visitor, model, slug, prefix):
    rename(model.objects.get(slug=slug), "moved")

    assert visitor.get(f"{prefix}{slug}/")["Location"] == f"{prefix}moved/"
    assert visitor.get(f"{prefix}moved/").status_code == 200


def test_an_organization_moved_twice_points_straight_at_its_last_address(visitor):
    organization = Organization.objects.get(slug=WREN)
    rename(organization, "wren-label")
    rename(organization, "wren-la")

    assert visitor.get(f"/organizations/{WREN}/")["Location"] == "/organizations/wren-la/"
    assert visitor.get("/organizations/wren-label/")["Location"] == "/organizations/wren-la/"


def test_chains_collapse_every_old_address_points_at_the_current_one(visitor):
    piece = Coverage.objects.get(slug=Q_AND_A)
    rename(piece, "b")
    rename(piece, "c")

    assert visitor.get(OLD)["Location"] == "/coverage/c/"
    assert visitor.get("/coverage/b/")["Location"] == "/coverage/c/"
    assert set(Redirect.objects.values_list("old_path", "new_path")) == {
        (OLD, "/coverage/c/"),
        ("/coverage/b/", "/coverage/c/"),
    }


def test_changing_the_slug_back_removes_the_redirect_that_would_loop(editor_client, visitor):
    piece = Coverage.objects.get(slug=Q_AND_A)
    move(editor_client, piece, "b")
    move(editor_client, Coverage.objects.get(pk=piece.pk), Q_AND_A)

    assert visitor.get(OLD).status_code == 200
    assert visitor.get("/coverage/b/")["Location"] == OLD
    assert not Redirect.objects.filter(old_path=OLD).exists()


def test_a_new_row_at_an_address_a_redirect_holds_takes_it_back(visitor):
    rename(Coverage.objects.get(slug=Q_AND_A), "b")
    assert visitor.get(OLD).status_code == 301

    new_piece(Q_AND_A, status="published")

    assert visitor.get(OLD).status_code == 200
    assert not Redirect.objects.filter(old_path=OLD).exists()


def test_a_deleted_published_piece_answers_410_with_a_page(editor_client, visitor):
    piece = new_piece(status="published")  # nothing cites it: an editor may delete it
    assert visitor.get(PIECE).status_code == 200  # and now in the page cache

    assert editor_client.post(admin_url(Coverage, "delete", piece.pk), {"post": "yes"}).status_code == 302

    gone = visitor.get(PIECE)
    assert gone.status_code == 410
    assert "This page was removed" in gone.content.decode()
    assert 'href="/"' in gone.content.decode()
    assert "no-store" not in gone.get("Cache-Control", "")
    assert visitor.get(PIECE).status_code == 410  # not cached as anything else either


def test_redirects_to_a_deleted_page_answer_410_too(visitor):
    piece = new_piece(status="published")
    rename(piece, "b")

    piece.delete()

    assert visitor.get(PIECE).status_code == 410
    assert visitor.get("/coverage/b/").status_code == 410


def test_a_piece_published_again_at_a_removed_address_answers_200(visitor):
    new_piece(status="published").delete()
    assert visitor.get(PIECE).status_code == 410

    draft = new_piece()
    assert visitor.get(PIECE).status_code == 410  # a draft is not on the site: the address stays gone
    draft.status = "published"
    draft.save()

    assert visitor.get(PIECE).status_code == 200
    assert not Redirect.objects.exists()


def test_a_drafts_slug_change_and_deletion_leave_no_redirect(editor_client, visitor):
    draft = new_piece("a-draft")
    move(editor_client, draft, "a-renamed-draft")
    Coverage.objects.get(slug="a-renamed-draft").delete()

    assert not Redirect.objects.exists()
    assert visitor.get("/coverage/a-draft/").status_code == 404
    assert visitor.get("/coverage/a-renamed-draft/").status_code == 404


def test_an_unpublished_piece_answers_404_and_leaves_no_redirect(visitor):
    piece = Coverage.objects.get(slug=Q_AND_A)
    piece.status = "draft"
    piece.save()
    rename(piece, "b")

    assert not Redirect.objects.exists()
    assert visitor.get(OLD).status_code == 404


def test_a_404_is_not_cached_in_front_of_a_redirect_made_later(visitor):
    assert visitor.get("/coverage/b/").status_code == 404
    assert visitor.get(OLD).status_code == 200

    rename(Coverage.objects.get(slug=Q_AND_A), "b")
    rename(Coverage.objects.get(slug="b"), "c")

    assert visitor.get("/coverage/b/")["Location"] == "/coverage/c/"
    assert visitor.get(OLD)["Location"] == "/coverage/c/"


def test_a_redirect_an_editor_adds_in_the_admin_answers(editor_client, visitor):
    response = editor_client.post(
        admin_url(Redirect, "add"),
        {"site": Site.objects.get_current().pk, "old_path": "/press-kit/", "new_path": f"/films/{FILM}/"},
    )

    assert response.status_code == 302
    assert visitor.get("/press-kit/")["Location"] == f"/films/{FILM}/"


def test_an_editor_lists_redirects_and_a_contributor_only_views_them(editor_client, contributor):
    rename(Coverage.objects.get(slug=Q_AND_A), "b")
    redirect = Redirect.objects.get()

    listed = editor_client.get(admin_url(Redirect, "changelist"))
    assert listed.status_code == 200
    assert OLD in listed.content.decode()

    contributor_client = Client()
    contributor_client.force_login(contributor)
    assert contributor_client.get(admin_url(Redirect, "changelist")).status_code == 200
    changed = contributor_client.post(
        admin_url(Redirect, "change", redirect.pk),
        {"site": redirect.site_id, "old_path": OLD, "new_path": "/elsewhere/"},
    )
    assert changed.status_code == 403
    assert contributor_client.get(admin_url(Redirect, "add")).status_code == 403
    assert Redirect.objects.get().new_path == "/coverage/b/"


def test_the_sitemap_lists_neither_redirected_nor_removed_addresses(client):
    rename(Coverage.objects.get(slug=Q_AND_A), "b")
    new_person("someone", status="published").delete()

    sitemap = b"".join(sitemap_sections(client)).decode()

    assert "http://testserver/coverage/b/" in sitemap
    assert OLD not in sitemap
    assert "/people/someone/" not in sitemap


def test_the_migrations_name_the_site_and_give_editors_every_right_on_redirects():
    def rights(group):
        return set(
            Group.objects.get(name=group)
            .permissions.filter(content_type__app_label="redirects")
            .values_list("codename", flat=True)
        )

    assert Site.objects.get_current().name == settings.SITE_NAME
    assert rights("Editors") == {"view_redirect", "add_redirect", "change_redirect", "delete_redirect"}
    assert rights("Contributors") == {"view_redirect"}
