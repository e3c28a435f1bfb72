"""Compact JSON as UTF-8: the standard library's bytes, written by orjson.

What the hash chain and the snapshots are defined over is
``json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))``: no spaces,
non-ASCII as it is, the same escapes (and SQLite's json_object writes the same
text). For text, whole numbers within 64 bits, nulls and booleans orjson writes
exactly those bytes (tests hold the two to each other over any text) in a
third of the encoder's time, and verify encodes every entry of the log and every
state a snapshot holds. What orjson refuses (a number beyond 64 bits, text that
is not valid Unicode: only damage puts one there) gets the encoder's own answer,
or its own error.

orjson is imported on the first call, not with this module: every command reads
the log, but only writes and verify hash.
"""

from __future__ import annotations

import json

ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def compact_json(value: object) -> bytes:
    """`value` as the encoder writes it, in UTF-8; raises as the encoder does."""
    try:
        return _dumps(value)
    except _Refused:
        return ENCODER.encode(value).encode("utf-8")


def _load(value: object) -> bytes:
    global _dumps, _Refused
    from orjson import JSONEncodeError, dumps

    _dumps, _Refused = dumps, JSONEncodeError
    return dumps(value)


_dumps = _load
_Refused: type[Exception] | tuple = ()  # (set with _dumps; catches nothing before)
