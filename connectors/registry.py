"""Which implementation serves which platform: the only place billing code reaches through."""

from __future__ import annotations

from connectors.base import PaymentPlatform, PlatformApp


def app_for(platform: str) -> PlatformApp:
    if platform == "stripe":
        from connectors.stripe.app import StripeApp

        return StripeApp()
    if platform == "quickbooks":
        from connectors.quickbooks.app import QuickBooksApp

        return QuickBooksApp()
    raise LookupError(f"no connector for platform {platform!r}")


def platform_for(connection) -> PaymentPlatform:
    if connection.platform == "stripe":
        from connectors.stripe.platform import StripePlatform

        return StripePlatform(connection)
    if connection.platform == "quickbooks":
        from connectors.quickbooks.platform import QuickBooksPlatform

        return QuickBooksPlatform(connection)
    raise LookupError(f"no connector for platform {connection.platform!r}")
