"""gunicorn's configuration (the Dockerfile's CMD: `gunicorn -c deploy/gunicorn.conf.py`).

gunicorn writes `Server: gunicorn` into every response and has no setting to leave it out;
this file, read by the master before it starts the workers, drops that header so that the
portal does not announce what it runs on (nginx in front says only `nginx`, server_tokens
off). Command-line options still apply on top of these."""

from gunicorn.http import wsgi

bind = "0.0.0.0:8000"
workers = 3
# No access log of gunicorn's own: the portal writes one line per request itself, with the
# route's name instead of the path (paths carry calendar and link tokens) and the request id
# (portal.observability).
accesslog = None

_default_headers = wsgi.Response.default_headers


def _without_server(self):
    return [line for line in _default_headers(self) if not line.lower().startswith("server:")]


wsgi.Response.default_headers = _without_server


def child_exit(server, worker):
    """With PROMETHEUS_MULTIPROC_DIR (/metrics adding up every worker's latency figures), a
    worker that exits leaves its live gauges behind."""
    import os

    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
