import os

from django.core.wsgi import get_wsgi_application

from naptrack.core.collector import collector_tune

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "naptrack.settings")
application = get_wsgi_application()
# The loaded application is not walked by every full garbage collection (core/collector.py).
collector_tune()
