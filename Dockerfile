# Smart-city coordination portal: one image for web (gunicorn), Celery worker and Celery beat.
# docker-compose.yml runs it with PostgreSQL and Redis; docs/deployment.md explains the settings.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# gettext: msgfmt for compilemessages. nodejs + npm: front-end assets from the npm registry.
# fonts-noto-cjk: Chinese glyphs for rendered documents (PDF certificates, reports).
# No libpq: psycopg2-binary ships its own.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      gettext nodejs npm fonts-noto-cjk \
 && rm -rf /var/lib/apt/lists/*

# A writable home: gunicorn puts its control socket in ~/.gunicorn/ (for `gunicornc`).
RUN groupadd --system --gid 10001 portal \
 && useradd --system --uid 10001 --gid portal --create-home --home-dir /home/portal \
      --shell /usr/sbin/nologin portal

WORKDIR /app

# Python dependencies first, so code changes do not reinstall them.
COPY requirements.txt ./
RUN pip install -r requirements.txt

# Bootstrap, Bootstrap Icons, htmx and ECharts, pinned by package-lock.json.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error && npm cache clean --force

COPY . .

# Translations and static files are build output. Settings need no database or broker for either.
# After collectstatic the vendor files live in staticfiles/ (served by WhiteNoise), so
# node_modules is no longer needed. var/ holds runtime state (media, mail) and must be writable.
RUN python manage.py compilemessages --ignore=node_modules -v0 \
 && python manage.py collectstatic --noinput -v0 \
 && rm -rf node_modules var \
 && mkdir -p var/media var/mail var/log \
 && chown -R portal:portal var

# Health check: GET /healthz must answer 200 (database and broker reachable). Sends a Host header
# from ALLOWED_HOSTS (so DisallowedHost cannot fail it) and X-Forwarded-Proto: https (so
# SECURE_SSL_REDIRECT cannot redirect it). Python's urllib, since the image has no curl.
RUN printf '%s\n' \
      '#!/usr/local/bin/python' \
      '"""Exit 0 when GET /healthz on the local gunicorn answers 200, else 1."""' \
      'import os' \
      'import sys' \
      'import urllib.request' \
      '' \
      'hosts = [h.strip().lstrip(".") for h in os.environ.get("ALLOWED_HOSTS", "").split(",")]' \
      'host = next((h for h in hosts if h and "*" not in h), "localhost")' \
      'request = urllib.request.Request("http://127.0.0.1:8000/healthz",' \
      '                                 headers={"Host": host, "X-Forwarded-Proto": "https"})' \
      'try:' \
      '    with urllib.request.urlopen(request, timeout=8) as response:' \
      '        sys.exit(0 if response.status == 200 else 1)' \
      'except Exception as exc:' \
      '    print(f"healthz: {exc}", file=sys.stderr)' \
      '    sys.exit(1)' \
    > /usr/local/bin/portal-healthcheck \
 && chmod 755 /usr/local/bin/portal-healthcheck

USER portal

EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
  CMD ["portal-healthcheck"]

CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--access-logfile", "-"]
