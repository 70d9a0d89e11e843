"""What the charges API refuses: each with a JSON error naming the field, and no charge made."""

from __future__ import annotations

import json

import pytest

from charges.tests.api import Api, a_key
from charges.tests.conftest import a_client, charges_of


@pytest.fixture
def api(alpha):
    return Api(alpha, a_key(alpha))


@pytest.fixture
def valid(alpha):
    ana = a_client(alpha)
    return {"client_id": ana.pk, "description": "Haircut", "unit_price": "35.00",
            "currency": "EUR", "due_date": "2026-12-01"}  # fmt: skip


BAD_FIELDS = [
    ({"client_id": 987654}, "client_id"),
    ({"client_id": None, "client_email": "nobody@clients.example"}, "client_email"),
    ({"client_id": None}, "client_id"),
    ({"client_id": "12"}, "client_id"),
    ({"client_id": True}, "client_id"),
    ({"client_id": 1.5}, "client_id"),
    ({"description": ""}, "description"),
    ({"description": 12}, "description"),
    ({"description": "Cut\u0000"}, "description"),
    ({"unit_price": None}, "unit_price"),
    ({"unit_price": "12,50"}, "unit_price"),
    ({"unit_price": "NaN"}, "unit_price"),
    ({"unit_price": "Infinity"}, "unit_price"),
    ({"unit_price": ["1"]}, "unit_price"),
    ({"unit_price": "-5"}, "unit_price"),
    ({"unit_price": "0"}, "unit_price"),
    ({"unit_price": "1" + "0" * 30}, "unit_price"),
    ({"unit_price": 1e300}, "unit_price"),
    ({"unit_price": "12.345"}, "unit_price"),
    ({"unit_price": "12.5", "currency": "JPY"}, "unit_price"),
    ({"quantity": "0"}, "quantity"),
    ({"quantity": "1.0001"}, "quantity"),
    ({"quantity": "9" * 40}, "quantity"),
    ({"quantity": False}, "quantity"),
    ({"currency": "XYZ"}, "currency"),
    ({"currency": "EURO"}, "currency"),
    ({"currency": None}, "currency"),
    ({"due_date": "01/12/2026"}, "due_date"),
    ({"due_date": "2026-02-30"}, "due_date"),
    ({"due_date": 20261201}, "due_date"),
    ({"source": "gift"}, "source"),
    ({"product_id": 987654}, "product_id"),
    ({"external_id": "x" * 101}, "external_id"),
    ({"unitprice": "12"}, "unitprice"),
]


@pytest.mark.parametrize("changes, field", BAD_FIELDS, ids=[f"{f}:{c}"[:60] for c, f in BAD_FIELDS])
def test_a_bad_field_is_refused_with_its_name_and_nothing_is_added(alpha, api, valid, changes,
                                                                  field):  # fmt: skip
    body = {**valid, **changes}
    body = {name: value for name, value in body.items() if value is not None}

    response = api.post("/api/v1/charges/", body)

    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["field"] == field and error["message"]
    assert charges_of(alpha) == []


@pytest.mark.parametrize(
    "raw",
    [
        "{not json",
        '{"unit_price": NaN}',
        '{"quantity": Infinity}',
        '{"quantity": -Infinity}',
        "[1, 2]",
        '"a string"',
        "",
        b"\xff\xfe{}",
        "[" * 100_00 + "]" * 100_00,
    ],
    ids=[
        "malformed",
        "nan",
        "infinity",
        "minus-infinity",
        "array",
        "string",
        "empty",
        "not-utf8",
        "deep",
    ],  # fmt: skip
)
def test_a_body_that_is_not_a_json_object_is_refused(alpha, api, raw):
    response = api.post("/api/v1/charges/", raw=raw)

    assert response.status_code == 400
    assert response.json()["error"]["message"]
    assert charges_of(alpha) == []


def test_a_body_over_64_kb_is_refused_unread(alpha, api, valid):
    body = json.dumps({**valid, "description": "x" * (64 * 1024)})

    response = api.post("/api/v1/charges/", raw=body)

    assert response.status_code == 413
    assert "64 KB" in response.json()["error"]["message"]
    assert charges_of(alpha) == []


def test_a_huge_integer_costs_nothing_and_is_refused(alpha, api, valid):
    raw = json.dumps(valid).replace('"35.00"', "9" * 20000)

    response = api.post("/api/v1/charges/", raw=raw)

    assert response.status_code == 400 and response.json()["error"]["field"] == "unit_price"


def test_an_unknown_method_is_answered_405_with_the_allowed_ones(alpha, api):
    response = api.http.delete("/api/v1/charges/", **api.headers)

    assert response.status_code == 405
    assert response["Allow"] == "GET, POST"
    assert response.json()["error"]["message"]
    assert api.get("/api/v1/charges/1/cancel/").status_code == 405
