"""The bookings list, the new-booking form, and completing or canceling a booking. A booking
of a priced service makes its charge (``bookings.services.book``): the pages say so."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from billing_saas.money_format import format_money
from billing_saas.query_params import positive_int
from billing_saas.refusals import ActionRefused
from bookings import services
from bookings.forms import BookingForm
from bookings.listing import PERIODS, Filters, list_query
from bookings.models import Booking
from charges.models import Charge
from payment_requests.access import billing_access_required

PAGE_SIZE = 25


@billing_access_required
@require_GET
def booking_list(request):
    filters = Filters.read(request.GET)
    page = Paginator(filters.bookings(), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "periods": PERIODS,
        "statuses": Booking.Status.choices,
        "back": list_query(request.GET.urlencode()),
    }
    return render(request, "bookings/list.html", context)


@billing_access_required
@require_http_methods(["GET", "POST"])
def new_booking(request):
    initial = {"date": timezone.localdate()}  # the account's day (its zone is active)
    if client_pk := positive_int(request.GET.get("client")):
        initial["client"] = client_pk
    form = BookingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            booking = services.book(
                client=form.cleaned_data["client"],
                service=form.cleaned_data["service"],
                starts_at=form.starts_at,
                actor=request.user,
            )
        except ActionRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, booked_message(booking))
            # Where it is listed: a walk-in recorded afterwards is among the past bookings.
            past = timezone.localdate(booking.starts_at) < timezone.localdate()
            return redirect(reverse("bookings:list") + ("?show=past" if past else ""))
    return render(request, "bookings/form.html", {"form": form})


def _when(booking: Booking) -> str:
    return formats.date_format(timezone.localtime(booking.starts_at), "DATETIME_FORMAT")


def _amount(charge: Charge) -> str:
    return format_money(charge.amount, charge.currency)


def booked_message(booking: Booking) -> str:
    what = {"service": booking.service.name, "client": booking.client.name, "when": _when(booking)}
    if booking.charge is None:
        return (
            _(
                "%(service)s booked for %(client)s (%(when)s). This service has no price: "
                "no charge was created."
            )
            % what
        )
    return _(
        "%(service)s booked for %(client)s (%(when)s). A charge of %(amount)s was created; "
        "it is billed with the client's other unbilled charges."
    ) % {**what, "amount": _amount(booking.charge)}


def _back(request):
    return redirect(reverse("bookings:list") + list_query(request.POST.get("back", "")))


@billing_access_required
@require_POST
def complete(request, pk):
    get_object_or_404(Booking, pk=pk)
    try:
        booking = services.complete(pk)
    except ActionRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            _("%(service)s for %(client)s is completed.")
            % {"service": booking.service.name, "client": booking.client.name},
        )
    return _back(request)


@billing_access_required
@require_POST
def cancel(request, pk):
    before = get_object_or_404(Booking.objects.select_related("charge"), pk=pk)
    was_unbilled = before.charge is not None and before.charge.state == Charge.State.UNBILLED
    try:
        booking = services.cancel(pk)
    except ActionRefused as refused:
        messages.error(request, refused.message)
        return _back(request)
    charge = booking.charge
    if before.status == Booking.Status.CANCELED:
        messages.info(request, _("This booking was already canceled."))
    elif charge is not None and charge.state == Charge.State.CANCELED and was_unbilled:
        messages.success(
            request,
            _("Booking canceled, and its unbilled charge of %(amount)s with it.")
            % {"amount": _amount(charge)},
        )
    elif charge is not None and charge.request_id:
        messages.warning(
            request,
            _(
                "Booking canceled. Its charge of %(amount)s is already billed on “%(document)s” "
                "and stays there: cancel or edit that document to take it off."
            )
            % {"amount": _amount(charge), "document": charge.request},
        )
    else:
        messages.success(request, _("Booking canceled."))
    return _back(request)
