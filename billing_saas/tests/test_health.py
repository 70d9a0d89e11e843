"""/healthz tells a load balancer whether the database, the broker and a worker answer."""

from billing_saas.testing.fixtures import client_on


def test_healthz_is_200_when_database_broker_and_worker_answer(accounts, running_worker):
    response = client_on("localhost").get("/healthz")

    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] and body["checks"]["broker"]["ok"]
    assert body["checks"]["worker"]["workers"]


def test_healthz_is_503_when_no_worker_answers(accounts, db):
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


def test_healthz_answers_on_an_account_host_too(alpha):
    response = client_on(alpha).get("/healthz")
    assert response.status_code in (200, 503)
    assert set(response.json()["checks"]) == {"database", "broker", "worker"}
