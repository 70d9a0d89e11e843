"""``{% load kept_parts %}``: the ``{% keep %}`` tag of billing_saas/kept_parts.py, here so
that every template engine finds it (the form renderer's own one too, for widgets)."""

from billing_saas.kept_parts import register  # noqa: F401
