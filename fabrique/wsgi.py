"""The WSGI application that gunicorn serves (see docs/deploy.md)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fabrique.settings")
# A web request never waits on one SQL statement for longer than this (seconds): well within gunicorn's 30-second
# timeout, so that a worker answers rather than being killed.
os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT", "10")

application = get_wsgi_application()
