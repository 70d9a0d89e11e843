"""Offline emulators of the payment platforms' APIs, for tests, the offline demo and the bench.

Not part of the product: the production image does not ship them (see the Dockerfile), and
nothing under ``billing_saas/``, ``connectors/`` or the other apps imports them at run time.
The real SDKs (stripe, python-quickbooks, intuit-oauth) talk to them over HTTP.
"""
