"""Key names as people read them."""

from __future__ import annotations

_NAMES = {
    "question_mark": "?",
    "slash": "/",
    "escape": "esc",
    "greater_than_sign": ">",
    "less_than_sign": "<",
    "enter": "enter",
    "pageup": "page up",
    "pagedown": "page down",
}


def describe_key(key: str) -> str:
    return ", ".join(_NAMES.get(k.strip(), k.strip()) for k in key.split(","))
