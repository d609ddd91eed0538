"""Today's date where the stokvels are (settings.timezone), not on the server's clock:
a sweep just after midnight in Johannesburg must see the new day."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from stokvel.config import get_settings


def today() -> date:
    return datetime.now(ZoneInfo(get_settings().timezone)).date()
