"""WSGI entry point for a production server (gunicorn or equal)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "divert.settings")
application = get_wsgi_application()
