"""Child processes that die with their parent.

`tributary transform` runs dbt as a child process, and dbt holds the warehouse open while it
builds. If the parent is killed (Ctrl-C, `kill`, a scheduler's timeout, `kill -9`), an
orphaned dbt would go on holding the warehouse and writing to it with no one to report what
it did. On Linux the kernel can deliver a signal to a child when its parent dies
(`prctl(PR_SET_PDEATHSIG)`); elsewhere the parent still terminates the child when it is
interrupted in the ordinary way.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import signal
import sys
from collections.abc import Callable

PR_SET_PDEATHSIG = 1


def die_with_parent() -> Callable[[], None] | None:
    """A `preexec_fn` that has the kernel kill the child when its parent dies (Linux)."""
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)

    def arm() -> None:
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)

    return arm
