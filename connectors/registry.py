"""Which implementation serves which platform: the only place billing code reaches through."""

from __future__ import annotations

from decimal import Decimal

from connectors.base import Capability, PaymentPlatform, PlatformApp

PLATFORMS = ("stripe", "quickbooks")


def app_for(platform: str) -> PlatformApp:
    if platform == "stripe":
        from connectors.stripe.app import StripeApp

        return StripeApp()
    if platform == "quickbooks":
        from connectors.quickbooks.app import QuickBooksApp

        return QuickBooksApp()
    raise LookupError(f"no connector for platform {platform!r}")


def platform_for(connection) -> PaymentPlatform:
    return _platform_class(connection.platform)(connection)


def capabilities_of(connection) -> frozenset[Capability]:
    """What billing may offer on ``connection`` (``Capability``), without asking the platform."""
    return _platform_class(connection.platform).capabilities


def _platform_class(platform: str) -> type[PaymentPlatform]:
    if platform == "stripe":
        from connectors.stripe.platform import StripePlatform

        return StripePlatform
    if platform == "quickbooks":
        from connectors.quickbooks.platform import QuickBooksPlatform

        return QuickBooksPlatform
    raise LookupError(f"no connector for platform {platform!r}")


def max_amount(connection, currency: str) -> tuple[Decimal, str]:
    """The largest amount one payment may ask for, and the platform that sets it: the
    connection's platform, or with none yet the strictest, so a draft fits wherever it goes."""
    from connectors.models import Connection

    names = [connection.platform] if connection is not None else PLATFORMS
    limit, name = min((app_for(name).max_amount(currency), name) for name in names)
    return limit, Connection.Platform(name).label
