"""The charges API, for a booking tool: add, list, read and cancel charges with an account
API key (``Authorization: Bearer <key>``).

Only the key authenticates: a browser's session cookie is never looked at, so the endpoints
need no CSRF token and a page cannot call them on a signed-in member's behalf. Every answer is
JSON, errors included: ``{"error": {"message": ..., "field": ...}}``.
"""

from __future__ import annotations

import logging
from functools import wraps

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from billing_saas.query_params import positive_int
from billing_saas.refusals import ActionRefused
from charges.api_input import MAX_BODY, ApiError, as_json, new_charge, parse_body
from charges.api_keys import key_for
from charges.models import Charge
from charges.services import ChargeRefused, ExternalIdTaken, add_charge, cancel_charge

log = logging.getLogger(__name__)
MAX_LIMIT = 100
DEFAULT_LIMIT = 20


def api_view(*methods: str):
    """Bearer-key authentication, allowed methods and JSON errors for one endpoint."""

    def decorate(view):
        @csrf_exempt
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            try:
                key = _authenticated(request)
                if request.method not in methods:
                    raise ApiError(405, _("This address does not answer %(method)s.") % {
                        "method": request.method[:10]})  # fmt: skip
                request.api_key = key
                return view(request, *args, **kwargs)
            except ApiError as error:
                response = JsonResponse(error.as_json(), status=error.status)
                if error.status == 401:
                    response["WWW-Authenticate"] = 'Bearer realm="charges"'
                elif error.status == 405:
                    response["Allow"] = ", ".join(methods)
                return response

        return wrapper

    return decorate


def _authenticated(request):
    scheme, _space, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise ApiError(401, _("Send your API key in the header: Authorization: Bearer <key>."))
    key = key_for(secret.strip())
    if key is None:
        raise ApiError(401, _("This API key is unknown or revoked."))
    return key


def _body(request) -> bytes:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY:  # refused before a byte of it is read
        raise ApiError(413, _("The request body is larger than 64 KB."))
    return request.body


def _charge(pk: int) -> Charge:
    charge = Charge.objects.filter(pk=pk).first()
    if charge is None:
        raise ApiError(404, _("No charge has this id."))
    return charge


@api_view("GET", "POST")
def charges(request):
    return _add(request) if request.method == "POST" else _list(request)


def _add(request):
    """201 with the new charge; 200 with the same one when its external id comes again."""
    fields = new_charge(parse_body(_body(request)))
    try:
        charge, created = add_charge(**fields)
    except ExternalIdTaken as refused:
        raise ApiError(409, refused.message, refused.field) from None
    except ChargeRefused as refused:
        raise ApiError(400, refused.message, refused.field) from None
    if created:
        log.info("charge %s added with API key %s", charge.pk, request.api_key.prefix)
    return JsonResponse(as_json(charge), status=201 if created else 200)


def _query_int(params, name: str, maximum: int | None = None) -> int | None:
    if name not in params:
        return None
    value = positive_int(params[name], **({"maximum": maximum} if maximum else {}))
    if value is None:
        if maximum:
            message = _("Must be a whole number from 1 to %(max)s.") % {"max": maximum}
        else:
            message = _("Must be a positive whole number.")
        raise ApiError(400, message, name)
    return value


def _list(request):
    """Charges by id, oldest first; ``starting_after`` (the last id seen) pages on."""
    params = request.GET
    rows = Charge.objects.order_by("pk")
    if (client_id := _query_int(params, "client_id")) is not None:
        rows = rows.filter(client_id=client_id)
    if "state" in params:
        if params["state"] not in Charge.State.values:
            values = ", ".join(Charge.State.values)
            raise ApiError(400, _("Must be one of: %(values)s.") % {"values": values}, "state")
        rows = rows.filter(state=params["state"])
    if (after := _query_int(params, "starting_after")) is not None:
        rows = rows.filter(pk__gt=after)
    limit = _query_int(params, "limit", MAX_LIMIT) or DEFAULT_LIMIT
    found = list(rows[: limit + 1])
    return JsonResponse(
        {
            "object": "list",
            "data": [as_json(charge) for charge in found[:limit]],
            "has_more": len(found) > limit,
        }
    )


@api_view("GET")
def charge(request, pk):
    return JsonResponse(as_json(_charge(pk)))


@api_view("POST")
def cancel(request, pk):
    """200 with the canceled charge (again if it already was); 409 once it is billed."""
    try:
        canceled = cancel_charge(_charge(pk).pk)
    except ActionRefused as refused:
        raise ApiError(409, refused.message) from None
    return JsonResponse(as_json(canceled))
