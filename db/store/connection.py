"""Opening and creating registers: file checks, pragmas, transactions.

A file is only ever opened by SQLite after its header says it is an actreg
register, so an empty file, a CSV or another program's database is refused
without being touched. Writes go through :func:`write_transaction`: one
``BEGIN IMMEDIATE`` each, so two actregs on one file queue rather than fork.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import stat
import time
import unicodedata
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path

from db.errors import ActregError, NotARegister, ReadOnlyRegister, WriteFailed
from db.store.backup import backup_to
from db.store.clock import Clock, utc_now
from db.store.dates import utc_text
from db.store.migrations import APPLICATION_ID, migrate, schema_version
from db.store.temp_files import remove_dead, temp_path

BUSY_TIMEOUT_S = 10.0
_SQLITE_MAGIC = b"SQLite format 3\x00"


class RegisterConnection(sqlite3.Connection):
    """A connection to one register, knowing its path and whether it is read-only."""

    path: Path
    readonly: bool = False
    #: Why it is read-only ("the folder … is read-only"), for refusals; None if writable.
    readonly_reason: str | None = None
    #: Why the register is read-only, or other things the user should see (a banner).
    notices: list[str]


# --- file checks ------------------------------------------------------------


def check_register_file(path: Path) -> None:
    """Refuse, with a specific message, anything that is not an actreg register.

    Reads only the 100-byte SQLite header: a foreign file is never opened by
    SQLite, so it cannot be changed (not even a journal recovered).
    """
    try:
        _check_header(path)
    except OSError as exc:  # a name too long, a permission, a vanished disk
        raise NotARegister(f"{path} cannot be read: {exc.strerror or exc}.") from None


def _check_header(path: Path) -> None:
    # A stat, then one open and one fstat: the file is checked on every start-up.
    try:
        kind = os.stat(path).st_mode
    except FileNotFoundError:
        raise NotARegister(
            f"{path}: no register here. Create one with `actreg init` (or `actreg demo`)."
        ) from None
    if not stat.S_ISREG(kind) and not stat.S_ISDIR(kind):
        # Opening a FIFO waits for a writer for ever; a device or socket is no register either.
        raise NotARegister(f"{path} is {_describe_special(kind)}, not an actreg register file.")
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
            size = os.fstat(handle.fileno()).st_size
    except FileNotFoundError:
        raise NotARegister(
            f"{path}: no register here. Create one with `actreg init` (or `actreg demo`)."
        ) from None
    except OSError:
        if path.is_dir():  # (Linux says IsADirectoryError; Windows, PermissionError)
            raise NotARegister(f"{path} is a folder, not an actreg register file.") from None
        raise
    if not header:
        raise NotARegister(f"{path} is empty (0 bytes): it is not an actreg register.")
    if not header.startswith(_SQLITE_MAGIC):
        raise NotARegister(f"{path} is {_describe_foreign(header)}, not an actreg register.")
    if len(header) < 100 or _cut_short(path, header, size):
        raise NotARegister(f"{path} is damaged: the file is cut short. Restore it from a backup.")
    app_id = int.from_bytes(header[68:72], "big")
    if app_id != APPLICATION_ID:
        raise NotARegister(
            f"{path} is an SQLite database of another application, not an actreg register."
        )


def _cut_short(path: Path, header: bytes, size: int) -> bool:
    """Shorter than its header promises, with no write-ahead log that could make up the rest.

    A crash (or a full disk) in the middle of a checkpoint can leave page 1
    counting pages the file does not have yet; the -wal beside it still holds
    them, and SQLite completes the file from it on opening.
    """
    if size >= _expected_size(header):
        return False
    try:
        return os.stat(f"{path}-wal").st_size == 0
    except OSError:  # no -wal
        return True


def _expected_size(header: bytes) -> int:
    """The least size the header promises: page size x page count (when that count is valid)."""
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    counter_valid = header[24:28] == header[92:96]  # else the count predates an old SQLite
    return max(512, page_size * pages if counter_valid else page_size)


def _describe_special(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _describe_foreign(header: bytes) -> str:
    if header.startswith(b"PK\x03\x04"):
        return "a zip file (an Excel or Word document?): use `actreg import` for spreadsheets"
    try:
        text = header.decode("utf-8-sig")
    except UnicodeDecodeError:
        return "not an SQLite database (its first bytes are not an SQLite header)"
    if "," in text or ";" in text or "\t" in text:
        return "a text file (it looks like CSV): use `actreg import` for spreadsheets"
    return "a text file"


# --- opening ----------------------------------------------------------------


def _connect(uri: str, *, readonly: bool) -> RegisterConnection:
    # isolation_level=None: no implicit transactions; every write opens its own
    # BEGIN IMMEDIATE (Python's implicit BEGIN DEFERRED forks the chain under load).
    conn = sqlite3.connect(
        uri,
        uri=True,
        timeout=BUSY_TIMEOUT_S,
        isolation_level=None,
        check_same_thread=False,  # the TUI reads in worker threads, one at a time
        factory=RegisterConnection,
    )
    conn.readonly = readonly
    conn.notices = []
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        conn.execute("PRAGMA foreign_keys = ON")
        if not readonly:
            conn.execute("PRAGMA synchronous = FULL")
    except sqlite3.DatabaseError:
        conn.close()  # a damaged file: leave no -wal/-shm behind
        raise
    # Case- and accent-insensitive matching for names ("Siân" = "SIAN"):
    # SQLite's NOCASE folds ASCII letters only.
    conn.create_function("actreg_fold", 1, fold, deterministic=True)
    return conn


def fold(text: str | None) -> str | None:
    """Fold case and accents: how names are compared in filters."""
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _uri(path: Path, **params: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    # SQLite decodes %XX in a file: URI, so a folder called "Q3%202025" must be quoted.
    quoted = urllib.parse.quote(os.path.realpath(path), safe="/")
    return f"file:{quoted}" + (f"?{query}" if query else "")


#: Less free space than this (16 pages) on a register's disk opens it read-only:
#: every write would fail, and saying so once, at the start, beats failing each.
MIN_FREE_BYTES = 64 * 1024


def free_bytes(folder: Path) -> int | None:
    """Bytes free for this user on the disk holding `folder`; None if unknown."""
    try:
        found = os.statvfs(folder)
    except (OSError, AttributeError):  # (Windows has no statvfs)
        return None
    return found.f_bavail * found.f_frsize


def readonly_refusal(conn: sqlite3.Connection) -> str:
    """What a write refused on a read-only register says: that it is, and why."""
    why = getattr(conn, "readonly_reason", None)
    if why and why != "opened read-only":
        return f"This register is open read-only because {why}: changes cannot be saved."
    return "This register is open read-only: changes cannot be saved."


def _writable(path: Path) -> str | None:
    """None if actreg may write here, else why not (shown in the read-only banner)."""
    links = os.stat(path).st_nlink
    if links > 1:
        # SQLite finds the -wal and the locks by name: two writers through two names of
        # one file do not see each other, and the register is corrupted for good.
        return (
            f"{path.name} has {links} hard links (other names for the same file), and "
            "writing through two names corrupts a register; remove the other links, "
            "or work on a copy made with `actreg backup`"
        )
    if not os.access(path, os.W_OK):
        return f"{path.name} is read-only"
    if not os.access(path.parent, os.W_OK):
        return f"the folder {path.parent} is read-only"
    free = free_bytes(path.parent)
    if free is not None and free < MIN_FREE_BYTES:
        return f"the disk is full ({free // 1024:,} KB free in {path.parent})"
    return None


def open_register(
    path: str | Path,
    *,
    readonly: bool = False,
    check_pages: bool = True,
    announce: Callable[[str], None] | None = None,
) -> RegisterConnection:
    """Open an existing register; read-only (with a notice) if the file cannot be written.

    `check_pages=False` skips the quick_check on opening, for `verify`, which
    runs its own and reports what it finds rather than refusing the file.
    `announce` is told, before it starts, of an upgrade that will take a while.
    """
    path = Path(path)
    check_register_file(path)
    why_readonly = "opened read-only" if readonly else _writable(path)
    conn = None
    try:
        if why_readonly:
            conn = _open_readonly(path)
            conn.readonly_reason = why_readonly
            conn.notices.append(f"Read-only: {why_readonly}. Changes cannot be saved.")
        else:
            conn = _connect(_uri(path), readonly=False)
            _check_holds_register(conn, path)
            _choose_journal(conn, path)
        conn.path = path
        _check_schema(conn, path, announce)
        if check_pages:
            _check_pages(conn, path)
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        # (SQLite's message about a damaged schema can itself be undecodable bytes.)
        if conn is not None:
            conn.close()  # a clean close also removes the -wal and -shm it made
        why = exc if isinstance(exc, sqlite3.DatabaseError) else "its schema text is garbled"
        raise NotARegister(f"{path} is damaged ({why}). Restore it from a backup.") from None
    return conn


#: Registers up to this size get SQLite's quick_check every time they open
#: (milliseconds for a council-sized register); bigger ones by `actreg verify`.
QUICK_CHECK_BYTES = 64 * 1024 * 1024


def _check_pages(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse a damaged register at once, not at the first query that reads the bad page."""
    if path.stat().st_size > QUICK_CHECK_BYTES:
        return
    result = [r[0] for r in conn.execute("PRAGMA quick_check(5)")]
    if result != ["ok"]:
        raise sqlite3.DatabaseError("; ".join(result))


#: File systems on which SQLite's WAL (shared memory between processes) is unsafe:
#: network shares, and FUSE mounts such as sync clients and sshfs.
_SHARED_FS = {
    "nfs",
    "nfs4",
    "cifs",
    "smb3",
    "smbfs",
    "9p",
    "afs",
    "ceph",
    "glusterfs",
    "lustre",
    "gpfs",
    "ncpfs",
    "davfs",
    "vboxsf",
    "vmhgfs",
    "virtiofs",
}


#: /proc/mounts writes a space, tab, new line or backslash in a path as \ooo (octal).
_OCTAL = re.compile(r"\\([0-7]{3})")


def _read_mounts() -> str:
    try:
        return Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""  # not Linux: assume a local disk


def filesystem_of(path: Path, mounts: str | None = None) -> tuple[str, str] | None:
    """(mount point, file-system type) of the mount holding `path`, from /proc/mounts."""
    target = os.path.realpath(path)
    best: tuple[str, str] | None = None
    for line in (mounts if mounts is not None else _read_mounts()).splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        point = parts[1]
        if "\\" in point:
            point = _OCTAL.sub(lambda m: chr(int(m.group(1), 8)), point)
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and (best is None or len(point) > len(best[0])):
            best = (point, parts[2])
    return best


def is_shared_filesystem(fstype: str) -> bool:
    return fstype in _SHARED_FS or fstype.startswith("fuse")


def on_block_device(device: int) -> bool:
    """Whether a file's st_dev is a real block device: a disk of this machine.

    Network and FUSE file systems (and tmpfs, btrfs, ZFS) all have anonymous
    devices, major number 0; a disk partition has a real one. Checked first so
    that a register on an ordinary disk opens without reading /proc/mounts.
    """
    return os.name == "posix" and os.major(device) != 0


def _choose_journal(conn: RegisterConnection, path: Path) -> None:
    """WAL on a local disk; a rollback journal (and a warning) on a network or synced folder."""
    found = None if on_block_device(os.stat(path).st_dev) else filesystem_of(path)
    if found and is_shared_filesystem(found[1]):
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.notices.append(
            f"This register is on a network or synced folder ({found[1]} at {found[0]}). "
            "actreg uses a rollback journal there, but such folders can still lose or corrupt "
            "changes: keep registers on a local disk and use `actreg backup` to share copies."
        )
    else:
        conn.execute("PRAGMA journal_mode = WAL")


def _open_readonly(path: Path) -> RegisterConnection:
    conn = _connect(_uri(path, mode="ro"), readonly=True)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError:
        # A WAL register in a read-only folder cannot create its -shm file;
        # immutable=1 reads it as it stands on disk, which is only the whole
        # register when no -wal beside it holds changes not yet written back.
        conn.close()
        _refuse_unread_wal(path)
        conn = _connect(_uri(path, mode="ro", immutable="1"), readonly=True)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    _check_holds_register(conn, path)
    return conn


def _refuse_unread_wal(path: Path) -> None:
    try:
        pending = os.stat(f"{path}-wal").st_size
    except OSError:  # no -wal: the file is the whole register
        return
    if pending:
        raise NotARegister(
            f"{path} cannot be read here: the folder is read-only and {path.name}-wal beside "
            f"it holds changes not yet written into {path.name}, which SQLite can only read "
            f"with a {path.name}-shm file it cannot create in this folder. Copy both "
            f"{path.name} and {path.name}-wal to a folder you can write to, and open the copy."
        )


def _check_holds_register(conn: RegisterConnection, path: Path) -> None:
    """Refuse an SQLite file with actreg's mark but no schema: only init and demo make one.

    A backup cut short by a kill leaves such a file (its hot journal rolls it back to
    nothing); setting it up as a new, empty register would pass for the real one.
    """
    if conn.execute("PRAGMA user_version").fetchone()[0] == 0:
        conn.close()
        raise NotARegister(
            f"{path} holds no register: it is an empty or unfinished file (a backup or "
            "copy cut short?). Only `actreg init` and `actreg demo` create registers; "
            "open the real register, or restore a backup with `actreg restore`."
        )


def _check_schema(
    conn: RegisterConnection, path: Path, announce: Callable[[str], None] | None = None
) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    newest = schema_version()
    if version > newest:
        conn.close()
        raise NotARegister(
            f"{path} was written by a newer actreg (schema version {version}; this actreg "
            f"reads up to {newest}). Upgrade actreg to open it."
        )
    if version < newest:
        if conn.readonly:
            conn.close()
            raise NotARegister(
                f"{path} needs upgrading to schema version {newest}, but it is read-only."
            )
        backup = path.with_name(f"{path.name}.v{version}-{time.strftime('%Y%m%d%H%M%S')}.bak")
        if version > 0 and announce is not None:
            # Minutes for a register of millions of entries: say so before the wait.
            size = path.stat().st_size
            shown = f"{size / 2**20:,.0f} MB" if size >= 2**20 else f"{size // 1024:,} KB"
            announce(
                f"Upgrading {path} ({shown}) from schema {version} to {newest}, "
                "after backing it up. A big register takes a few minutes: please wait."
            )
        if version > 0:
            # A migration rewrites tables: keep the old file first.
            backup_to(conn, backup)
            conn.notices.append(f"Upgraded from schema {version}; the old file is in {backup}.")
        migrate(conn)


def create_register(
    path: str | Path,
    *,
    name: str,
    organisation: str | None = None,
    fill: Callable[[RegisterConnection], None] | None = None,
    clock: Clock = utc_now,
) -> RegisterConnection:
    """Create a new register at `path`; refuse if anything is there already.

    The file is built under a temporary name, filled by `fill(conn)` if given
    (the demo's story), and only then linked into place: a crash or a kill
    never leaves a half-made register, and an existing file is never replaced.
    """
    path = Path(path)
    if path.exists() or path.is_symlink():
        raise ActregError(f"{path} already exists: actreg will not overwrite it.")
    if not path.parent.is_dir():
        raise ActregError(f"{path.parent} does not exist: create the folder first.")
    remove_dead(path.parent)  # registers a kill left half-made here
    temp = temp_path(path, "create")
    try:
        conn = _connect(_uri(temp), readonly=False)
        try:
            conn.path = temp
            _choose_journal(conn, temp)
            migrate(conn)
            now = utc_text(clock())
            settings = {"name": name, "organisation": organisation or "", "created_at": now}
            # (Into the chain with the register's first entry: db.store.chain.)
            with write_transaction(conn):
                conn.executemany(
                    "INSERT INTO register_setting (key, value) VALUES (?, ?)", settings.items()
                )
            if fill is not None:
                fill(conn)
        finally:
            conn.close()  # a clean close checkpoints and removes the -wal file
        os.link(temp, path)  # fails if someone created `path` meanwhile
    except FileExistsError:
        raise ActregError(f"{path} already exists: actreg will not overwrite it.") from None
    except OSError as exc:
        raise ActregError(f"cannot create {path}: {exc.strerror}.") from None
    finally:
        for leftover in (temp, Path(f"{temp}-wal"), Path(f"{temp}-shm")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
    return open_register(path)


# --- transactions -----------------------------------------------------------


@contextlib.contextmanager
def write_transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One BEGIN IMMEDIATE transaction: all of it commits, or none of it.

    IMMEDIATE takes the write lock before reading, so the head hash and the
    action's version read inside cannot be changed by another writer before the
    commit; the busy timeout queues writers instead of failing them.
    """
    if getattr(conn, "readonly", False):
        raise ReadOnlyRegister(readonly_refusal(conn))
    if conn.in_transaction:
        # Inside another write (accepting a submission records an update and its
        # decision together): a savepoint, so the outer transaction stays whole.
        with _savepoint(conn):
            yield conn
        return
    _begin_immediate(conn)
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        if isinstance(exc, sqlite3.OperationalError):
            raise _write_error(exc) from None
        raise


def inserted_id(cursor: sqlite3.Cursor) -> int:
    """The id the INSERT just run on `cursor` gave its row.

    (sqlite3 types `lastrowid` as optional: it is None only before any INSERT.)
    """
    row_id = cursor.lastrowid
    if row_id is None:
        raise RuntimeError("no row was inserted")
    return row_id


@contextlib.contextmanager
def _savepoint(conn: sqlite3.Connection) -> Iterator[None]:
    conn.execute("SAVEPOINT nested_write")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK TO nested_write")
        conn.execute("RELEASE nested_write")
        raise
    conn.execute("RELEASE nested_write")


def _begin_immediate(conn: sqlite3.Connection) -> None:
    deadline = time.monotonic() + 3 * BUSY_TIMEOUT_S
    while True:
        try:
            conn.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise _write_error(exc) from None
            if time.monotonic() > deadline:
                raise WriteFailed(
                    "The register is busy: another actreg has been writing to it for "
                    f"{3 * BUSY_TIMEOUT_S:.0f} s. Nothing was changed; try again."
                ) from None
            time.sleep(0.05)


def _write_error(exc: sqlite3.OperationalError) -> ActregError:
    text = str(exc)
    if "full" in text:
        return WriteFailed(
            "The disk is full (or the register reached its size limit). "
            "Nothing was changed; free some space and try again."
        )
    if "readonly" in text or "read-only" in text:
        return ReadOnlyRegister(
            "The register cannot be written (read-only file, folder or disk). Nothing was changed."
        )
    if "locked" in text or "busy" in text:
        return WriteFailed(
            "The register is busy (another actreg is writing). Nothing was changed; try again."
        )
    if "disk I/O" in text:
        return WriteFailed("The disk reported an I/O error. Nothing was changed.")
    return WriteFailed(f"SQLite refused the write ({text}). Nothing was changed.")


def setting(conn: sqlite3.Connection, key: str, default: str | None = None) -> str | None:
    row = conn.execute("SELECT value FROM register_setting WHERE key = ?", (key,)).fetchone()
    return row[0] if row else default
