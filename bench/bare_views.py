"""Views that do nothing: what the product's stack costs before a view does any work."""

from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt


def bare(request):
    return HttpResponse("ok", content_type="text/plain")


@csrf_exempt
def bare_post(request):
    """Reads the body, as the webhook endpoint does, and answers as it does."""
    return JsonResponse({"received": True, "bytes": len(request.body)})
