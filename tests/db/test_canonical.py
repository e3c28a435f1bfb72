"""The hashed encoding of an entry is exactly the JSON encoder's, for any content.

db.store.log.canonical writes the common case (text, whole numbers, nulls) with
orjson (db.store.compact_json) for speed; the hash chain depends on it agreeing
byte for byte with json.JSONEncoder(ensure_ascii=False, separators=(",", ":")),
which defines it. These tests would catch an orjson upgrade that escaped differently.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from db.store import log

ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))

# What a sound entry holds, and what only a damaged or edited file could.
# Every code point, lone surrogates and control characters included.
any_text = st.text(st.characters(exclude_categories=()))
values = st.one_of(
    st.none(),
    any_text,
    st.integers(),
    st.integers(min_value=2**63 - 5, max_value=2**70),
    st.booleans(),
    st.floats(allow_nan=True, allow_infinity=True),
)


@settings(max_examples=500)
@given(st.lists(values, min_size=10, max_size=10).map(tuple))
def test_canonical_is_the_json_encoders_output(content):
    try:
        expected = ENCODER.encode(content).encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: neither may encode it
        with pytest.raises(UnicodeEncodeError):
            log.canonical(content)
        return
    assert log.canonical(content) == expected


@settings(max_examples=500)
@given(st.lists(st.one_of(st.none(), any_text, st.integers()), min_size=10, max_size=10))
def test_every_text_the_fast_path_takes_encodes_as_the_encoder_does(content):
    content = tuple(content)
    try:
        expected = ENCODER.encode(content).encode("utf-8")
    except UnicodeEncodeError:
        with pytest.raises(UnicodeEncodeError):
            log.canonical(content)
        return
    assert log.canonical(content) == expected


def test_control_characters_and_separators_escape_as_the_encoder_does():
    text = "".join(map(chr, range(0x20))) + '"\\/\x7f\u2028\u2029\ufeff é 😀'
    content = (text, 1, None, "", -7, text[::-1], None, "x", "y", None)
    assert log.canonical(content) == ENCODER.encode(content).encode("utf-8")


def test_bytes_are_refused_as_the_encoder_refuses_them():
    with pytest.raises(TypeError):
        log.canonical(("a", b"raw bytes", None))


def test_the_hash_of_a_known_entry_is_stable():
    # Pinned: a change here would make every existing register fail verify.
    content = ("u-1", 7, "note", None, None, None, 'Ça va "bien"\n', "Jo", "2026-01-05", None)
    assert log.compute_hash(log.GENESIS_HASH, content) == PINNED


PINNED = "7279e146cab57feec9dc1d2235b073474338b1bcca8cad8a789faa28c09c7f27"


def test_the_hashed_content_is_every_field_but_the_id_and_the_hashes():
    values = [str(n) for n in range(14)]
    values[9], values[11] = "2026-01-05T10:00:00.000000Z", "2026-01-05"
    entry = log.LogEntry(*values)
    assert log.LogEntry._fields[1:12] == (
        "uuid", "action_id", "kind", "field", "old_value", "new_value",
        "commentary", "author", "recorded_at", "supersedes", "effective_date",
    )  # fmt: skip
    # Effective on its recorded day: hashed exactly as before effective dates existed.
    assert log.content_of(entry) == tuple(values[1:11])
    # Backdated: the effective date is hashed too.
    backdated = entry._replace(effective_date="2026-01-02")
    assert log.content_of(backdated) == (*values[1:11], "2026-01-02")


def test_an_entry_keeps_its_hash_unless_backdated_and_backdating_is_covered():
    """An entry effective on its recorded day hashes as every entry before effective dates
    did (so old registers verify); changing its effective date either way breaks it."""
    plain = log.make_entry(prev_id=0, prev_hash=log.GENESIS_HASH, action_id=1, kind="note",
                           author="Jo", recorded_at="2026-01-05T10:00:00.000000Z",
                           commentary="hi")  # fmt: skip
    assert plain.effective_date == "2026-01-05"
    assert plain.hash == log.compute_hash(log.GENESIS_HASH, plain[1:11])
    assert log.expected_hash(plain) == plain.hash
    assert log.expected_hash(plain._replace(effective_date="2026-01-04")) != plain.hash
    late = log.make_entry(prev_id=0, prev_hash=log.GENESIS_HASH, action_id=1, kind="note",
                          author="Jo", recorded_at="2026-01-05T10:00:00.000000Z",
                          commentary="hi", effective_date="2025-12-31")  # fmt: skip
    assert log.expected_hash(late) == late.hash != plain.hash
    assert log.expected_hash(late._replace(effective_date="2026-01-05")) != late.hash
    assert log.expected_hash(late._replace(effective_date="2025-12-30")) != late.hash


def test_the_first_hash_in_a_process_handles_damaged_text_too():
    # orjson loads on the first hash: text it cannot serialise then must still
    # fall back to the encoder (whose own error a lone surrogate gives).
    import subprocess
    import sys

    code = (
        "from db.store import log\n"
        "try:\n"
        "    log.canonical(('\\ud800',) + (None,) * 9)\n"
        "except UnicodeEncodeError:\n"
        "    print('encoder error')\n"
        "print(log.canonical(('a', 1) + (None,) * 8).decode())\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert proc.stdout.splitlines() == [
        "encoder error",
        '["a",1,null,null,null,null,null,null,null,null]',
    ]
