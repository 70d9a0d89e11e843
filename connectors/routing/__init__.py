"""Shared (public-schema) tables that route platform traffic to the right account.

Webhooks and OAuth callbacks arrive on the root domain: a platform knows our app, not the
account. ``AccountRoute`` maps a platform account id to exactly one tenant; ``OAuthState``
holds single-use onboarding states. Everything else stays in the tenant's own schema.
"""
