"""Two-factor sign-in as tests drive it: an account given a second factor, the code its app shows, and a
client that has given it."""

import time

from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

VERIFY = "/admin/two-factor/verify/"
MANAGE = "/admin/two-factor/"


def app_code(key, *, steps_ahead=0):
    """The six digits an authenticator app shows for key (bytes) now, or `steps_ahead` 30-second steps
    later (a code is taken once: a second sign-in in the same step needs the next one)."""
    totp = TOTP(key)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def enrol(user, codes=("aaaa1111", "bbbb2222", "cccc3333")):
    """Gives user a confirmed authenticator app and these recovery codes; returns the app's TOTPDevice."""
    app = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    recovery = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    for code in codes:
        StaticToken.objects.create(device=recovery, token=code)
    return app


def give_code(client, code, next_address="/admin/"):
    """POSTs code to the code step, as the form does; returns the response."""
    return client.post(VERIFY, {"code": code, "next": next_address})


def verified_client(client, user, app):
    """client, signed in as user with their password and then app's code."""
    client.force_login(user)
    response = give_code(client, app_code(app.bin_key))
    assert response.status_code == 302, response.content.decode()
    assert client.get(reverse("admin:index")).status_code == 200
    return client
