# Production image: gunicorn for web; the same image runs the Celery worker and beat.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

RUN useradd --create-home --uid 1000 app

# WeasyPrint (invoice PDFs, rendered by the worker) draws text with Pango and needs a font.
RUN apt-get update && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 fontconfig fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

COPY pyproject.toml README.md ./
COPY billing_saas ./billing_saas
COPY tenants ./tenants
COPY clients ./clients
COPY solutions ./solutions
COPY payment_requests ./payment_requests
COPY connectors ./connectors
COPY client_portal ./client_portal
COPY notifications ./notifications
COPY products ./products
COPY quotes ./quotes
COPY charges ./charges
COPY bookings ./bookings
COPY auto_invoicing ./auto_invoicing
COPY credits ./credits
COPY recurring ./recurring
COPY payment_methods ./payment_methods
COPY subscriptions ./subscriptions
COPY templates ./templates
COPY static ./static
COPY locale ./locale
COPY manage.py ./
RUN pip install .

# Settings need these to import; nothing is contacted while collecting static files.
RUN APP_ENV=production SECRET_KEY=build-only DATABASE_URL=postgresql://build@127.0.0.1:1/build \
    REDIS_URL=redis://127.0.0.1:1/0 CONNECTOR_ENCRYPTION_KEYS=ZmFrZS1idWlsZC1rZXktZmFrZS1idWlsZC1rZXktMDA= \
    python manage.py collectstatic --noinput

RUN mkdir -p /srv/media && chown app /srv/media
USER app
EXPOSE 8000
CMD ["gunicorn", "billing_saas.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
