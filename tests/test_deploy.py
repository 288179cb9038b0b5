"""docs/deploy.md names settings for each piece of a several-machine deployment: each exists, is read from
the environment, and changes what the document says it changes."""

import json
import os
import re
import runpy
from pathlib import Path

import pytest
from django.test import RequestFactory

from config import routing
from tests.project import ROOT, run_manage

DEPLOY_DOC = ROOT / "docs" / "deploy.md"
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "a-production-secret-of-more-than-fifty-characters-with-variety-0123456789",
    "ALLOWED_HOSTS": "press.example.org",
}


def settings_under(**environment):
    script = (
        "import json; from django.conf import settings as s; print(json.dumps({"
        "'databases': {alias: {'name': db['NAME'], 'host': db['HOST'], 'age': db['CONN_MAX_AGE'], "
        "'test': db.get('TEST', {}), 'options': db['OPTIONS']} for alias, db in s.DATABASES.items()}, "
        "'cache': s.CACHES['default'], 'storages': s.STORAGES, 'media_url': s.MEDIA_URL, "
        "'img_src': s.SECURE_CSP['img-src'], 'csrf_origins': s.CSRF_TRUSTED_ORIGINS, "
        "'hsts': s.SECURE_HSTS_SECONDS, 'page_cache': s.PAGE_CACHE_SECONDS, "
        "'proxies': s.TRUSTED_PROXY_COUNT, 'version_file': str(s.PAGE_CACHE_VERSION_FILE)}, default=str))"
    )
    result = run_manage("shell", "--no-imports", "-c", script, **PRODUCTION, **environment)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_every_setting_the_deployment_guide_names_is_read_from_the_environment():
    named = set(re.findall(r"^\| `([A-Z_]+)` \|", DEPLOY_DOC.read_text(), re.MULTILINE))
    code = "".join(path.read_text() for path in (ROOT / "config").glob("**/*.py"))

    assert len(named) >= 15
    unread = {name for name in named if f'"{name}"' not in code}
    assert not unread, f"docs/deploy.md names settings nothing reads: {sorted(unread)}"


def test_a_primary_and_read_replicas():
    found = settings_under(
        DATABASE_URL="postgres://app:secret@db-primary:5432/pressroom",
        DATABASE_REPLICA_URLS="postgres://app:secret@db-replica-1:5432/pressroom,"
        "postgres://app:secret@db-replica-2:5432/pressroom",
        CONN_MAX_AGE="0",
    )["databases"]

    assert found["default"]["host"] == "db-primary"
    assert [found[f"replica_{n}"]["host"] for n in (1, 2)] == ["db-replica-1", "db-replica-2"]
    assert found["replica_1"]["test"]["MIRROR"] == "default"
    assert {found[alias]["age"] for alias in ("default", "replica_1", "replica_2")} == {0}


def test_postgresql_prepares_repeated_statements_unless_a_pooler_forbids_it():
    primary_and_replica = {
        "DATABASE_URL": "postgres://app:secret@db-primary:5432/pressroom",
        "DATABASE_REPLICA_URLS": "postgres://app:secret@db-replica-1:5432/pressroom",
    }
    prepared = settings_under(**primary_and_replica)["databases"]
    behind_pgbouncer = settings_under(**primary_and_replica, DATABASE_PREPARE_THRESHOLD="0")["databases"]
    on_sqlite = settings_under(DATABASE_URL="sqlite:///never-opened.sqlite3")["databases"]

    for alias in ("default", "replica_1", "archive"):
        assert prepared[alias]["options"]["server_side_binding"] is True
        assert prepared[alias]["options"]["prepare_threshold"] == 2
        assert "server_side_binding" not in behind_pgbouncer[alias]["options"]
    assert "server_side_binding" not in on_sqlite["default"]["options"]


def test_visitors_read_from_replicas_and_editors_from_the_primary(settings, monkeypatch):
    monkeypatch.setattr(routing, "replicas", lambda: ["replica_1", "replica_2"])
    router, seen = routing.PrimaryReplicaRouter(), {}

    def remember(request):
        seen[request.path, request.method] = router.db_for_read(None)
        return None

    middleware = routing.PrimaryForEditorsMiddleware(remember)
    factory = RequestFactory()
    middleware(factory.get("/coverage/"))
    middleware(factory.get("/admin/press/coverage/"))
    middleware(factory.post("/admin/login/"))
    signed_in = factory.get("/coverage/")
    signed_in.COOKIES[settings.SESSION_COOKIE_NAME] = "a session"
    middleware(signed_in)

    assert seen["/coverage/", "GET"] in {"default", "replica_1", "replica_2"}
    assert seen["/admin/press/coverage/", "GET"] == "default"
    assert seen["/admin/login/", "POST"] == "default"
    assert router.db_for_write(None) == "default"
    assert not router.allow_migrate("replica_1", "press")
    assert router.allow_migrate("default", "press")


def test_a_shared_redis_cache():
    found = settings_under(REDIS_URL="redis://cache:6379/0", CACHE_KEY_PREFIX="firstkiss-staging")

    assert found["cache"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert found["cache"]["LOCATION"] == "redis://cache:6379/0"
    assert found["cache"]["KEY_PREFIX"] == "firstkiss-staging"


def test_the_page_cache_lifetime_and_version_file():
    found = settings_under(PAGE_CACHE_SECONDS="60", PAGE_CACHE_VERSION_FILE="/run/pressroom/version")

    assert found["page_cache"] == 60
    assert found["version_file"] == "/run/pressroom/version"


def test_media_on_object_storage():
    found = settings_under(
        MEDIA_STORAGE_BACKEND="storages.backends.s3.S3Storage",
        MEDIA_STORAGE_OPTIONS='{"bucket_name": "firstkiss-media", "querystring_auth": false}',
        MEDIA_URL="https://media.example.org/",
        CSP_MEDIA_ORIGINS="https://media.example.org",
    )

    assert found["storages"]["default"] == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"bucket_name": "firstkiss-media", "querystring_auth": False},
    }
    assert found["media_url"] == "https://media.example.org/"
    assert "https://media.example.org" in found["img_src"]


def test_app_servers_behind_a_load_balancer():
    found = settings_under(
        CSRF_TRUSTED_ORIGINS="https://press.example.org",
        TRUSTED_PROXY_COUNT="1",
        SECURE_HSTS_SECONDS="300",
    )

    assert found["csrf_origins"] == ["https://press.example.org"]
    assert found["proxies"] == 1
    assert found["hsts"] == 300


@pytest.mark.parametrize(
    ("environment", "bind", "workers"),
    [
        ({}, "127.0.0.1:8000", None),
        ({"PORT": "8123"}, "127.0.0.1:8123", None),
        ({"BIND": "0.0.0.0:8000", "WEB_CONCURRENCY": "5"}, "0.0.0.0:8000", 5),
    ],
)
def test_gunicorn_binds_and_sizes_from_the_environment(monkeypatch, environment, bind, workers):
    for name in ("PORT", "BIND", "WEB_CONCURRENCY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)

    config = runpy.run_path(str(Path(ROOT / "config" / "gunicorn.conf.py")))

    assert config["bind"] == bind
    assert config["workers"] == (workers or os.cpu_count())


def test_gunicorn_freezes_the_preloaded_app_before_forking_a_worker():
    import gc

    config = runpy.run_path(str(Path(ROOT / "config" / "gunicorn.conf.py")))
    assert config["preload_app"] is True
    try:
        config["pre_fork"](None, None)
        # A worker's collections skip what it shares with the master: its first full one stalled requests.
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


@pytest.mark.django_db
def test_postgresql_plans_a_search_or_a_year_for_its_own_values_and_keeps_the_other_plans(client, settings):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    settings.PAGE_CACHE_SECONDS = 0  # every visit runs the list's statements
    for _ in range(8):  # past psycopg's threshold and PostgreSQL's five custom plans before a generic one
        for address in ("/coverage/?year=2014", "/coverage/?q=kiss", "/coverage/"):
            assert client.get(address).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        kept = [statement for (statement,) in cursor.fetchall()]
    assert any('FROM "press_coverage"' in statement for statement in kept)
    # A kept plan guesses 250 rows for any range: it sorted a whole year of coverage for each page.
    assert not [statement for statement in kept if " BETWEEN " in statement or "tsquery(" in statement]
