"""/healthz tells a load balancer whether the database, the broker and a worker answer."""

from urllib.parse import urlsplit, urlunsplit

import pytest
from celery import Celery

from billing_saas.testing.fixtures import client_on


@pytest.fixture
def no_worker_listens(settings, monkeypatch):
    """The broker is the run's Redis, but a database of it no worker listens on (Celery's
    broadcasts on Redis stay within one database): whatever workers other tests keep running
    (the browser tests' one lives for the whole run), none can answer."""
    parts = urlsplit(settings.CELERY_BROKER_URL)
    database = int(parts.path.strip("/") or 0)
    settings.CELERY_BROKER_URL = urlunsplit(parts._replace(path=f"/{(database + 1) % 16}"))
    app = Celery("billing_saas", broker=settings.CELERY_BROKER_URL, set_as_current=False)
    monkeypatch.setattr("billing_saas.celery.app", app)
    yield
    app.close()


def test_healthz_is_200_when_database_broker_and_worker_answer(accounts, running_worker):
    response = client_on("localhost").get("/healthz")

    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] and body["checks"]["broker"]["ok"]
    assert body["checks"]["worker"]["workers"]


def test_healthz_is_503_when_no_worker_answers(accounts, db, no_worker_listens):
    response = client_on("localhost").get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["worker"] == {
        "ok": False,
        "error": "RuntimeError: no Celery worker answered",
    }


def test_healthz_is_503_when_the_broker_is_unreachable(accounts, db, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"

    response = client_on("localhost").get("/healthz")

    checks = response.json()["checks"]
    assert response.status_code == 503
    assert not checks["broker"]["ok"] and "Error" in checks["broker"]["error"]
    assert checks["database"]["ok"]


def test_healthz_answers_on_an_account_host_too(alpha, running_worker):
    response = client_on(alpha).get("/healthz")

    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "broker", "worker"}
    assert body["checks"]["worker"]["workers"]


def test_healthz_on_an_account_host_is_503_when_no_worker_answers(alpha, no_worker_listens):
    response = client_on(alpha).get("/healthz")

    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
