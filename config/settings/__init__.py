"""The settings modules: base (shared), dev (manage.py, `make run`), test (pytest), production (WSGI,
gunicorn, `make serve`)."""
