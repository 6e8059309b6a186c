"""gunicorn settings (``gunicorn -c python:config.gunicorn config.wsgi``), for
the Docker image and ``make run-prod-local``. Each value can be set from the
environment; the app servers keep no state, so more of them can run behind a
load balancer."""

from __future__ import annotations

import os

from gunicorn.glogging import Logger

bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
# Synchronous workers: about 2 per core; each holds one database connection.
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
# A PDF export (WeasyPrint) of a large case may take a while.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Load the application once in the master and fork the workers from it: a
# worker that is recycled starts in milliseconds instead of importing Django
# and every app again (about a second of CPU each), and the workers share the
# imported code's memory. No database connection is opened at import time.
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").lower() != "false"
# Recycle workers now and then (memory of long runs); staggered. At 100
# requests/s over 4 workers, each is recycled about every 7 minutes.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "10000"))
max_requests_jitter = max_requests // 10
accesslog = "-"
errorlog = "-"
# Trust X-Forwarded-* only from the proxy in front (comma-separated addresses).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Heartbeat files in memory, not on a (possibly slow) container layer.
_SHM = "/dev/shm"  # noqa: S108 (gunicorn's own heartbeat files, documented use)
if os.path.isdir(_SHM):
    worker_tmp_dir = _SHM


class HealthQuietLogger(Logger):
    """The access log without the load balancers' health checks (one every few
    seconds per balancer)."""

    def access(self, resp, req, environ, request_time) -> None:
        if environ.get("PATH_INFO") == "/gezondheid/":
            return
        super().access(resp, req, environ, request_time)


logger_class = HealthQuietLogger
