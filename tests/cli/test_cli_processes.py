"""Several actregs at once on one file, and output into a closed pipe (`actreg list | head`)."""

from __future__ import annotations

import pytest

WRITERS = 8


def _finish(proc) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=120)
    assert "Traceback" not in err, err
    assert "internal error" not in err, err
    return proc.returncode, out, err


@pytest.mark.slow
def test_concurrent_writers_queue_and_never_fork_the_chain(run, start, fresh_db, show_json):
    before = len(show_json(fresh_db, "A1")["log"])
    procs = [
        start("update", "A1", "--note", f"note from writer {n}", db=fresh_db)
        for n in range(WRITERS)
    ]
    outcomes = [_finish(p) for p in procs]
    assert [code for code, _, _ in outcomes] == [0] * WRITERS, outcomes
    shown = show_json(fresh_db, "A1")
    assert len(shown["log"]) == before + WRITERS
    assert shown["action"]["version"] == before + WRITERS
    notes = {e["commentary"] for e in shown["log"] if e["kind"] == "note"}
    assert notes == {f"note from writer {n}" for n in range(WRITERS)}
    run("verify", db=fresh_db)


@pytest.mark.slow
def test_concurrent_writers_with_the_same_expected_version_one_wins(
    run, start, fresh_db, show_json
):
    version = show_json(fresh_db, "A1")["action"]["version"]
    procs = [
        start("update", "A1", "--percent", 10 + n, "--expect-version", version, db=fresh_db)
        for n in range(WRITERS)
    ]
    outcomes = [_finish(p) for p in procs]
    codes = sorted(code for code, _, _ in outcomes)
    assert codes == [0] + [1] * (WRITERS - 1), outcomes
    for code, _, err in outcomes:
        if code == 1:
            assert err.startswith("actreg: ")
            assert "changed by someone else" in err
    assert show_json(fresh_db, "A1")["action"]["version"] == version + 1
    run("verify", db=fresh_db)


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["list"], id="list"),
        pytest.param(["list", "--format", "json"], id="list-json"),
        pytest.param(["list", "--format", "csv"], id="list-csv"),
        pytest.param(["show", "A1"], id="show"),
    ],
)
def test_a_closed_pipe_is_not_an_error(start, fresh_db, args):
    proc = start(*args, db=fresh_db)
    proc.stdout.close()  # the reader went away before actreg wrote anything (`| head -0`)
    err = proc.stderr.read()
    proc.wait(timeout=60)
    assert proc.returncode == 0, err
    assert err == ""
