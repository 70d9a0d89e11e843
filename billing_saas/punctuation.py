"""``{% colon %}`` after a label: ":" in English, " :" with a no-break space in French.

A label and its colon are written separately in templates ("Amount" is a msgid of its own,
used bare elsewhere); the colon is typography of the reader's language. Loaded for every
template (settings.TEMPLATES ``builtins``).
"""

from django import template
from django.utils.translation import get_language

register = template.Library()

SPACED_BEFORE_COLON = frozenset({"fr"})


@register.simple_tag
def colon() -> str:
    language = (get_language() or "").split("-")[0]
    return "\u00a0:" if language in SPACED_BEFORE_COLON else ":"
