"""A real Varnish in front (config/varnish/pressroom.vcl, with varnish-modules' xkey): it keeps the public
pages the app marks public, and an editor's save purges, by surrogate key, exactly the pages that show what
changed. Debian's varnish and varnish-modules: `.ci/run` installs them, and without them these tests fail in
CI (the CI variable set) and are skipped elsewhere."""

import os
import time
import urllib.error
import urllib.request
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from django.utils.html import escape

from bench.varnish import running_varnish, varnishd
from press.models import Coverage
from tests.admin_forms import change_form
from tests.story import Q_AND_A, new_piece, new_staff_member


@pytest.fixture
def varnish(live_server):
    """Base URL (str) of a varnishd of the test's own, on a free port, in front of the live server."""
    if varnishd() is None:
        message = "varnishd is missing: apt-get install -y varnish varnish-modules"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with running_varnish(urlsplit(live_server.url).port, keep_alive=False) as url:
        yield url


def through(varnish, path):
    """(X-Cache header, body as str) of a GET of path through Varnish, as a visitor without cookies."""
    with urllib.request.urlopen(varnish + path, timeout=30) as response:
        return response.headers["X-Cache"], response.read().decode()


def test_a_save_in_the_admin_purges_the_pages_varnish_keeps_that_show_it(
    varnish, site_url, editorial_groups, client, settings
):
    settings.CACHE_PURGE_URLS = [f"{varnish}/"]
    client.force_login(new_staff_member("eddie", "Editors"))
    piece = Coverage.objects.get(slug=Q_AND_A)
    headline = escape(piece.headline)
    unrelated = next(
        other.get_absolute_url()
        for other in Coverage.objects.published().exclude(pk=piece.pk)
        if headline not in through(varnish, other.get_absolute_url())[1]
    )
    for path in [piece.get_absolute_url(), "/coverage/", unrelated]:
        through(varnish, path)
        cached, body = through(varnish, path)
        assert cached == "HIT", path
    with urllib.request.urlopen(varnish + "/coverage/", timeout=30) as response:
        # The keys are for the caches: visitors get none of the headers that carry them.
        assert not {"xkey", "surrogate-key", "cache-tag"} & {name.lower() for name in response.headers}

    url, _, data = change_form(client, piece)
    data["headline"] = "The headline Varnish must not keep"
    assert client.post(url, data).status_code == 302

    for path in [piece.get_absolute_url(), "/coverage/"]:
        cached, body = through(varnish, path)
        assert cached == "MISS" and "The headline Varnish must not keep" in body, path
        assert through(varnish, path)[0] == "HIT", path
    assert through(varnish, unrelated)[0] == "HIT"


def test_varnish_keeps_no_page_of_a_signed_in_editor_nor_of_the_admin(varnish, site_url, editorial_groups):
    opener = urllib.request.build_opener()
    opener.addheaders = [("Cookie", "sessionid=not-a-session")]
    for path in ["/coverage/", "/admin/login/"]:
        for _ in range(2):
            with opener.open(varnish + path, timeout=30) as response:
                assert response.headers["X-Cache"] == "MISS", path


def test_only_this_machine_may_purge(varnish):
    request = urllib.request.Request(f"{varnish}/", method="PURGE", headers={"xkey": "press.coverage"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200  # from 127.0.0.1; config/varnish/pressroom.vcl's acl refuses others
    without_key = urllib.request.Request(f"{varnish}/", method="PURGE")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(without_key, timeout=10)
    assert refused.value.code == 400


def test_a_piece_scheduled_in_the_admin_goes_live_on_the_pages_varnish_keeps(
    varnish, site_url, editorial_groups, client, settings
):
    """Scheduling purges the pages the piece will enter, and their new copies are kept by Varnish no longer
    than its publication time: it shows there on time, though no request reaches the app meanwhile."""
    settings.CACHE_PURGE_URLS = [f"{varnish}/"]
    client.force_login(new_staff_member("eddie", "Editors"))
    through(varnish, "/coverage/")
    assert through(varnish, "/coverage/")[0] == "HIT"

    piece = new_piece("scheduled-behind-varnish", headline="A piece Varnish must show on time")
    url, _, data = change_form(client, piece)
    soon = timezone.localtime() + timedelta(seconds=3)
    data |= {
        "status": "published",
        "published_at_0": f"{soon:%Y-%m-%d}",
        "published_at_1": f"{soon:%H:%M:%S}",
    }
    assert client.post(url, data).status_code == 302
    assert "A piece Varnish must show on time" not in through(varnish, "/coverage/")[1]

    time.sleep(max(0, (soon - timezone.now()).total_seconds()) + 1.5)

    assert "A piece Varnish must show on time" in through(varnish, "/coverage/")[1]
