"""The Celery app. Tasks take ids and enter their network explicitly (see networks.scoping)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The request's id into every task's headers, and one log line per task.
import portal.observability  # noqa: E402, F401
