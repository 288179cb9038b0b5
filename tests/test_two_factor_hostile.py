"""Two-factor sign-in against an attacker who holds a password, and against requests made at the same moment:
the faults an attack by hand found (each test failed before its fix): a secret read in one session became the
app another confirmed; a double click on "Verify" or on "Make new recovery codes" was a 500 on SQLite, and on
PostgreSQL left several sets of recovery codes working."""

import base64
import re

import pytest
from django.test import Client

from tests.twofactor import MANAGE, app_code, give_code

pytestmark = pytest.mark.django_db

RECOVERY_CODE = re.compile(r"<li><code>([a-z2-7]{8})</code></li>")
SECRET = re.compile(r'<code id="two-factor-secret">([A-Z2-7 ]+)</code>')


def secret_shown(client):
    """The authenticator app's secret (bytes) the Two-factor sign-in page shows client."""
    page = client.get(MANAGE)
    assert page.status_code == 200
    return base64.b32decode(SECRET.search(page.content.decode()).group(1).replace(" ", ""))


def test_a_secret_read_with_a_stolen_password_does_not_become_the_editors_app(editor):
    # Someone holding only the editor's password opens the set-up page and notes the secret; they never
    # confirm it.
    attacker = Client()
    attacker.force_login(editor)
    seen_by_attacker = secret_shown(attacker)
    attacker.logout()

    # Later the editor sets up their phone from their own session, with the secret their page shows.
    owner = Client()
    owner.force_login(editor)
    key = secret_shown(owner)
    confirmed = owner.post(MANAGE, {"action": "confirm", "code": app_code(key), "next": "/admin/"})
    assert "recovery codes" in confirmed.content.decode()

    # The attacker signs in with the password and a code computed from the secret they noted: the second
    # factor must not let them in.
    again = Client()
    again.force_login(editor)
    response = give_code(again, app_code(seen_by_attacker, steps_ahead=1))
    assert response.status_code != 302
    assert again.get("/admin/").status_code == 302


@pytest.mark.django_db(transaction=True)
def test_a_code_sent_twice_at_once_never_gives_a_server_error(editorial_groups, editor):
    # The editor double-clicks "Verify" (or two tabs give the code together): one sign-in goes through,
    # the others are told the code was taken; none is a server error. On SQLite the others failed with
    # "database is locked" (a deferred transaction reads the device, then writes it). A race: a few rounds.
    import threading

    from django.db import connection
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.twofactor import enrol

    app = enrol(editor)
    for _ in range(5):
        # A new round: the code not yet taken, no wait owed.
        TOTPDevice.objects.filter(pk=app.pk).update(
            last_t=-1, throttling_failure_count=0, throttling_failure_timestamp=None
        )
        code = app_code(app.bin_key)
        clients = []
        for _ in range(6):
            one = Client(raise_request_exception=False)
            one.force_login(editor)
            clients.append(one)
        start = threading.Barrier(len(clients))
        statuses = []

        def send(one, start=start, statuses=statuses, code=code):
            start.wait()
            try:
                statuses.append(give_code(one, code).status_code)
            finally:
                connection.close()  # each thread's own connection, or PostgreSQL keeps the test database

        threads = [threading.Thread(target=send, args=(one,)) for one in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert 500 not in statuses, statuses
        assert statuses.count(302) == 1, statuses


@pytest.mark.django_db(transaction=True)
def test_new_recovery_codes_made_at_once_leave_one_set_that_works(editorial_groups, editor):
    # Several tabs each click "Make new recovery codes" at once: each page that shows codes says the codes
    # made before no longer work, so one set shown signs in, the last, and no click is a server error. On
    # PostgreSQL several sets kept working (one StaticDevice each); on SQLite the other clicks were 500s,
    # "database is locked".
    import threading

    from django.db import connection
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.twofactor import enrol

    app = enrol(editor)
    clients = []
    for _ in range(6):
        # Each tab signed in with the app (a code is taken once: the next tab's, as if a step later).
        TOTPDevice.objects.filter(pk=app.pk).update(last_t=-1)
        one = Client(raise_request_exception=False)
        one.force_login(editor)
        assert give_code(one, app_code(app.bin_key)).status_code == 302
        clients.append(one)
    for _ in range(3):  # a race: a few rounds
        start = threading.Barrier(len(clients))
        answers = []

        def make_new_codes(one, start=start, answers=answers):
            start.wait()
            try:
                answers.append(one.post(MANAGE, {"action": "recovery-codes"}))
            finally:
                connection.close()  # each thread's own connection, or PostgreSQL keeps the test database

        threads = [threading.Thread(target=make_new_codes, args=(one,)) for one in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert 500 not in [answer.status_code for answer in answers]
        shown = [RECOVERY_CODE.findall(answer.content.decode()) for answer in answers]
        assert any(shown)
        working = 0
        for codes in filter(None, shown):
            # The wait a wrong code owes, over: each set is tried on its own.
            StaticDevice.objects.update(throttling_failure_count=0, throttling_failure_timestamp=None)
            later = Client(raise_request_exception=False)
            later.force_login(editor)
            working += give_code(later, codes[0]).status_code == 302
        assert working <= 1, f"{working} sets of recovery codes work, each shown as the only one"
