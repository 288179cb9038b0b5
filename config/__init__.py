"""Project wiring: settings, URLs, WSGI and gunicorn, database routing and connections, middleware.

No models, no views: the apps are editorial/, people/ and press/."""
