"""Named points where the crash-injection tests kill a real worker process.

``crash_point("after_documents")`` does nothing unless the process was started with
``BILLING_CRASH_AT`` naming that point (and ``BILLING_CRASH_DIR``, a directory): then, the
first time the point is reached, it leaves a marker file there and sends itself SIGKILL, as
the kernel's OOM killer or a lost machine would: no cleanup, no commit, no ``finally``. The
test restarts the worker without the variable and checks that nothing was done twice.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

_AT = os.environ.get("BILLING_CRASH_AT", "")


def crash_point(name: str) -> None:
    if not _AT or _AT != name:
        return
    marker = Path(os.environ.get("BILLING_CRASH_DIR", ".")) / f"crashed-at-{name}"
    if marker.exists():
        return
    marker.write_text(str(os.getpid()))
    os.kill(os.getpid(), signal.SIGKILL)
