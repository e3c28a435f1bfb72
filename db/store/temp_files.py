"""Temporary files written beside their target, named so a later run can clear up after a kill.

Exports, backups and new registers are written to a temporary file in the
target's folder and moved or linked into place at the end. A process killed
half-way leaves that file behind (a backup's can be as big as the register).
Each name carries the host and the process id that writes it, so the next run
writing into the same folder removes the ones whose process is gone.
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path

_NAME = re.compile(
    r"\.actreg-[a-z]+\.(?P<host>[A-Za-z0-9-]*)\.(?P<pid>\d+)\.[0-9a-f]+\.partial"
    r"(?:-journal|-wal|-shm)?"
)


def _host() -> str:
    # Only this machine's processes can be checked: a shared folder may hold another's.
    import socket  # (here: every command opens a register, few write a temp file)

    return re.sub(r"[^A-Za-z0-9-]", "-", socket.gethostname())[:40]


def temp_path(target: Path, kind: str) -> Path:
    """A new name beside `target` for a temp file of `kind` ("export", "backup", ...)."""
    token = os.urandom(4).hex()  # (what secrets.token_hex does, without importing it)
    return target.with_name(f".actreg-{kind}.{_host()}.{os.getpid()}.{token}.partial")


def create_temp(target: Path, kind: str) -> Path:
    """Create (exclusively) and return a temp file beside `target`.

    It gets the mode any new file of the user's would (0666 less the umask): an
    export is for colleagues on a shared drive, not private like mkstemp's 0600.
    """
    while True:
        path = temp_path(target, kind)
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
            return path
        except FileExistsError:  # (a clash of random names: draw again)
            continue


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process, or no way to tell: leave its files alone
        return True
    return True


def remove_dead(folder: Path) -> list[Path]:
    """Remove the temp files in `folder` that a process of this machine left when it died."""
    if os.name != "posix":  # (no way to ask whether a pid lives without touching it)
        return []
    removed: list[Path] = []
    host = _host()
    try:
        entries = list(os.scandir(folder))
    except OSError:  # an unreadable folder: the write itself will say why
        return removed
    for entry in entries:
        found = _NAME.fullmatch(entry.name)
        if not found or found["host"] != host:
            continue
        pid = int(found["pid"])
        if pid == os.getpid() or _alive(pid):
            continue
        with contextlib.suppress(OSError):
            os.unlink(entry.path)
            removed.append(Path(entry.path))
    return removed
