"""Every page names the icon, and browsers asking for /favicon.ico on any host find it."""

import pytest

from billing_saas.testing.fixtures import client_on

ICON = "/static/img/favicon.svg"


def test_pages_link_the_svg_icon(root_client, alpha):
    for response in (root_client.get("/"), client_on(alpha).get("/accounts/login/")):
        assert f'<link rel="icon" href="{ICON}" type="image/svg+xml">'.encode() in response.content


@pytest.mark.parametrize("host", ["localhost", "alpha.localhost"])
def test_favicon_ico_leads_to_the_icon_on_every_host(host, alpha):
    client = client_on(host)

    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"] == ICON
    assert "max-age=86400" in response["Cache-Control"]
    icon = client.get(ICON)
    assert icon.status_code == 200
    assert icon["Content-Type"] == "image/svg+xml"
    assert b"<svg" in b"".join(icon.streaming_content)
