"""`/favicon.ico` for browsers that ask for it instead of reading the `<link rel="icon">`."""

from django.shortcuts import redirect
from django.templatetags.static import static
from django.views.decorators.cache import cache_control


@cache_control(max_age=60 * 60 * 24, public=True)
def favicon(request):
    # Not a permanent redirect: in production the icon's static name carries its content hash.
    return redirect(static("img/favicon.svg"))
