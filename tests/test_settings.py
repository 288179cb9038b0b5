from tests.project import run_manage


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", DJANGO_SETTINGS_MODULE="config.settings.production")

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_settings_pass_the_deployment_checklist():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="a-production-secret-of-more-than-fifty-characters-with-variety-0123456789",
        ALLOWED_HOSTS="press.example.org",
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_development_settings_read_the_environment():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DEBUG, settings.ALLOWED_HOSTS)",
        DEBUG="false",
        ALLOWED_HOSTS="a.example,b.example",
    )

    assert result.returncode == 0, result.stderr
    assert "False ['a.example', 'b.example']" in result.stdout


def test_pages_name_the_site_and_the_film_from_the_settings(db, client, settings):
    settings.SITE_NAME = "Another press room"
    settings.FILM_TITLE = "Another Film"

    page = client.get("/people/").content.decode()
    missing = client.get("/no-such-page/").content.decode()

    assert "<title>People · Another press room</title>" in page
    assert "Another Film <span>press room</span>" in page
    assert '<a href="/films/first-kiss/">The film</a>' in page
    assert "Back to Another Film" in missing
