"""The charges' pages (one module per page) and the JSON API (``api``)."""
