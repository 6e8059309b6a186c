# Naast: the app server image (gunicorn + WhiteNoise). The same image runs the
# background worker (`python manage.py db_worker`) and the migrations; see
# compose.yaml and the README ("Deployment").
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    XDG_CACHE_HOME=/tmp/.cache \
    PORT=8000

# WeasyPrint (PDF exports) needs Pango and a font; gettext compiles the
# translations below.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
        gettext \
    && rm -rf /var/lib/apt/lists/*

# The app runs as an unprivileged user that cannot change its own code.
RUN useradd --system --uid 10001 --user-group --no-create-home \
        --home-dir /nonexistent --shell /usr/sbin/nologin naast

WORKDIR /app

# Dependencies first, so that a code change reuses this layer.
COPY pyproject.toml README.md ./
RUN pip install ".[redis]"

COPY . .

# Static files (hashed, compressed) into var/static and the compiled
# translations, at build time. Settings need a SECRET_KEY to load; this one is
# used for nothing and never reaches a running container.
RUN DEBUG=False SECRET_KEY=build-only-not-a-secret \
        python manage.py collectstatic --no-input -v 0 \
    && DEBUG=False SECRET_KEY=build-only-not-a-secret \
        python manage.py compilemessages -v 0 --ignore=var --ignore=node_modules

USER naast

EXPOSE 8000

# The load balancers' check: GET /gezondheid/ answers 200 when the database
# answers. The Host header is the first of ALLOWED_HOSTS.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as u; h = os.environ.get('ALLOWED_HOSTS', '').split(',')[0].strip().lstrip('.'); h = 'localhost' if h in ('', '*') else h; u.urlopen(u.Request('http://127.0.0.1:' + os.environ.get('PORT', '8000') + '/gezondheid/', headers={'Host': h}), timeout=4)"]

CMD ["gunicorn", "-c", "python:config.gunicorn", "config.wsgi"]
