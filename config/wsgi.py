"""WSGI entry point (for gunicorn or uWSGI in production)."""

from django.core.wsgi import get_wsgi_application

from config.startup import load_settings_or_exit

load_settings_or_exit()
application = get_wsgi_application()
