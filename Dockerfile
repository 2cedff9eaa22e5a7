# The portal's image: web (gunicorn), worker and beat all run it (see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=portal.settings.production PORTAL_VAR_DIR=/var/lib/portal

# WeasyPrint needs Pango (and HarfBuzz's subsetter for fonts in PDFs); gettext compiles the
# translations; curl is the web container's health check. pg_dump and pg_restore of the
# server's major version (manage.py backup/restore; compose runs PostgreSQL 16, newer than
# Debian 12's client) come from the PostgreSQL project's own Debian repository. LibreOffice
# without its GUI (Writer, Calc, Impress) turns Word, Excel, PowerPoint and OpenDocument
# files into PDF for the meeting pack (meetings/pack.py).
ARG PG_MAJOR=16
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
        libharfbuzz-subset0 fonts-dejavu-core gettext curl ca-certificates \
        libreoffice-writer-nogui libreoffice-calc-nogui libreoffice-impress-nogui \
 && install -d /usr/share/postgresql-common/pgdg \
 && curl -fsSo /usr/share/postgresql-common/pgdg/apt.postgresql.org.asc \
        https://www.postgresql.org/media/keys/ACCC4CF8.asc \
 && echo "deb [signed-by=/usr/share/postgresql-common/pgdg/apt.postgresql.org.asc] https://apt.postgresql.org/pub/repos/apt bookworm-pgdg main" \
        > /etc/apt/sources.list.d/pgdg.list \
 && apt-get update \
 && apt-get install -y --no-install-recommends postgresql-client-${PG_MAJOR} \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# The dependencies first, pinned by constraints.txt, so a code change reuses this layer; with
# the s3 extra, so that S3_BUCKET alone moves documents into a bucket.
# (The project declares no packages of its own: the apps run from /app.)
COPY pyproject.toml constraints.txt ./
RUN pip install --no-cache-dir -c constraints.txt '.[s3]' && rm -rf build *.egg-info

COPY . .
# The settings need a SECRET_KEY to load; these two commands never use it.
RUN SECRET_KEY=build-only python manage.py compilemessages -v 0 \
 && SECRET_KEY=build-only python manage.py collectstatic --no-input -v 0 \
 && useradd --system --home-dir /app --shell /usr/sbin/nologin portal \
 && mkdir -p /var/lib/portal/media /var/backups/portal \
 && chown -R portal /var/lib/portal /var/backups/portal

USER portal
EXPOSE 8000
# deploy/gunicorn.conf.py: bind, workers, access log, and no `Server: gunicorn` header.
CMD ["gunicorn", "-c", "deploy/gunicorn.conf.py", "portal.wsgi"]
