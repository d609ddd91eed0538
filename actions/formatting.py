"""How dates and lists read in WhatsApp (money is formatted by stokvel.money)."""

from __future__ import annotations

from datetime import date
from typing import Optional


def day(when: Optional[date]) -> str:
    """date(2026, 12, 5) -> "Sat 5 Dec 2026"; None -> "not scheduled"."""
    if when is None:
        return "not scheduled"
    return f"{when:%a} {when.day} {when:%b %Y}"


def frequency(word: str) -> str:
    return word.replace("_", " ")
