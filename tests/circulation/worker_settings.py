"""Settings of the Celery worker a test starts: the portal's own, with the broker the test
names and, on a shared Redis, a key prefix of its own so that nothing else consumes its
tasks."""

import json
import os

from portal.settings import *  # noqa: F403

CELERY_BROKER_URL = os.environ["PORTAL_TEST_BROKER_URL"]
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,  # noqa: F405
    **json.loads(os.environ["PORTAL_TEST_BROKER_OPTIONS"]),
}
