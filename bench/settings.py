"""The product's settings, unchanged but for the bench's own data and its bare views' URLs.

Its own DATA_DIR keeps ``make dev``'s data untouched; DEBUG is off, as in production (DEBUG
keeps every SQL statement in memory and would slow each request down).
"""

import os
from pathlib import Path

os.environ.setdefault("DATA_DIR", str(Path(__file__).resolve().parent.parent / ".data" / "bench"))
os.environ.setdefault("DEBUG", "False")

from billing_saas.settings import *  # noqa: E402, F403

ROOT_URLCONF = "bench.urls_tenant"
PUBLIC_SCHEMA_URLCONF = "bench.urls_public"
# The parallel executor `migrate_schemas --executor multiprocessing` uses, one per core.
TENANT_MULTIPROCESSING_MAX_PROCESSES = os.cpu_count() or 2
