# The production image: gunicorn serving Django with whitenoise; the same image runs the Celery
# worker and beat (see docker-compose.yml). Compiled CSS/JS and Welsh .mo files are committed,
# so the image needs neither Node nor gettext.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
RUN groupadd --system vocaleyes && useradd --system --gid vocaleyes --home /app vocaleyes

COPY . .
RUN pip install .
# collectstatic needs settings but no real secrets or database.
RUN DEBUG=false SECRET_KEY=build-only-key-not-used-at-run-time-0123456789abcdefghijklmnop \
    ALLOWED_HOSTS=build python manage.py collectstatic --no-input \
    && chown -R vocaleyes:vocaleyes /app \
    && mkdir -p /srv/media && chown vocaleyes:vocaleyes /srv/media

USER vocaleyes
EXPOSE 8000
# gunicorn takes its number of workers from WEB_CONCURRENCY: two a core suits a 2-core host.
ENV WEB_CONCURRENCY=4
CMD ["gunicorn", "vocaleyes.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
