from django.dispatch import receiver

from payment_requests.signals import request_settled


@receiver(request_settled)
def credits_come_back(sender, request, paid, **kwargs):
    """A request that will never be paid (canceled, expired) gives back the credit applied
    to it, in its own transaction."""
    if not paid:
        from credits.services.applying import release

        release(request)
