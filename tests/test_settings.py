from tests.project import run_manage


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", DJANGO_SETTINGS_MODULE="config.production")

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_settings_pass_the_deployment_checklist():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="config.production",
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
