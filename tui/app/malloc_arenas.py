"""One malloc arena for the app's threads, where the C library has them (glibc).

glibc gives each thread that allocates its own arena (up to eight per core) and
keeps what each one grew to. SQLite allocates in whichever thread runs a read: the
thread workers take turns on the register, a sort of the whole triage queue in
one, the first cards in another while the screen is built in a third, and each
arena kept its own peak: a process grew by a third over eight triage sessions
(bench/memory_bench). With one arena, what one read freed serves the next,
whichever thread runs it; the workers never allocate at once for long (the
gateway runs one call at a time), so they do not queue for it.
"""

from __future__ import annotations

import sys

M_ARENA_MAX = -8  # glibc's mallopt parameter number


def share_one_arena() -> None:
    """Ask glibc for one arena for every thread started from now on (elsewhere: nothing)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes  # (2 ms, and only where it is used)

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # a C library without it
        return
    mallopt(M_ARENA_MAX, 1)
