from django.dispatch import receiver

from payment_requests.signals import request_reopened, request_settled


@receiver(request_settled)
def charges_follow_their_document(sender, request, paid, **kwargs):
    from charges.services import follow_settled_request

    follow_settled_request(request, paid)


@receiver(request_reopened)
def charges_owed_again(sender, request, **kwargs):
    from charges.services import follow_reopened_request

    follow_reopened_request(request)
