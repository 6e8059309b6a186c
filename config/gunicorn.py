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
# Recycle workers now and then (memory of long runs); staggered.
max_requests = 1000
max_requests_jitter = 100
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
