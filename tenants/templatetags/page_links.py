"""Links between the pages of a list that keep its search and filters."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_url(context, number) -> str:
    """``?status=sent&q=ana&page=3``: the current query with another page (and no side panel
    left open from the page before)."""
    # A list rendered once for many requests passes its own normalised query.
    query = context.get("page_query")
    params = (context["request"].GET if query is None else query).copy()
    params.pop("open", None)
    params["page"] = number
    return "?" + params.urlencode()
