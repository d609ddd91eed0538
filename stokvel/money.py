"""Money: an integer number of minor units with an asset code and scale. Never a float.

`parse_money` is the one parser for every amount a member types; `format_money` the one
formatter for every amount we show. `parse_money(format_money(m)) == m` for any amount a
member may type.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stokvel.errors import InvalidInput

# An amount a member types above this is a typo, not a contribution (R1 000 000).
MAX_TYPED_MINOR = 100_000_000

SYMBOLS = {"ZAR": "R"}

# "R", "ZAR", "rand", "rands" before or after the number, any case.
_CURRENCY_WORDS = re.compile(r"^(?:zar|rands?|r)\s*|\s*(?:zar|rands?|r)$", re.IGNORECASE)
# Space-like thousands separators people and phones produce (space, no-break, thin).
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']+")


@dataclass(frozen=True)
class Money:
    minor: int
    currency: str = "ZAR"
    scale: int = 2

    def __post_init__(self):
        if not isinstance(self.minor, int) or isinstance(self.minor, bool):
            raise TypeError("Money.minor must be an int number of minor units")

    def _same(self, other: "Money") -> None:
        if not isinstance(other, Money):
            raise TypeError(f"cannot combine Money with {type(other).__name__}")
        if (self.currency, self.scale) != (other.currency, other.scale):
            raise ValueError(f"cannot combine {self.currency}/{self.scale} with {other.currency}/{other.scale}")

    def __add__(self, other: "Money") -> "Money":
        self._same(other)
        return Money(self.minor + other.minor, self.currency, self.scale)

    def __sub__(self, other: "Money") -> "Money":
        self._same(other)
        return Money(self.minor - other.minor, self.currency, self.scale)

    def __neg__(self) -> "Money":
        return Money(-self.minor, self.currency, self.scale)

    def __mul__(self, factor: int) -> "Money":
        if not isinstance(factor, int):
            raise TypeError("Money can only be multiplied by an int")
        return Money(self.minor * factor, self.currency, self.scale)

    __rmul__ = __mul__

    def __lt__(self, other: "Money") -> bool:
        self._same(other)
        return self.minor < other.minor

    def __le__(self, other: "Money") -> bool:
        self._same(other)
        return self.minor <= other.minor

    def __gt__(self, other: "Money") -> bool:
        self._same(other)
        return self.minor > other.minor

    def __ge__(self, other: "Money") -> bool:
        self._same(other)
        return self.minor >= other.minor

    def __bool__(self) -> bool:
        return self.minor != 0

    def __str__(self) -> str:
        return format_money(self)

    def zero(self) -> "Money":
        return Money(0, self.currency, self.scale)

    @classmethod
    def of(cls, minor: int, currency: str = "ZAR", scale: int = 2) -> "Money":
        return cls(int(minor), currency, scale)


def format_money(m: Money) -> str:
    """Money(120050) -> "R1 200.50"; other assets -> "USD 1 200.50"; negatives -> "-R5.00"."""
    sign = "-" if m.minor < 0 else ""
    units, fraction = divmod(abs(m.minor), 10**m.scale)
    grouped = f"{units:,}".replace(",", " ")
    number = f"{grouped}.{fraction:0{m.scale}d}" if m.scale else grouped
    symbol = SYMBOLS.get(m.currency)
    return f"{sign}{symbol}{number}" if symbol else f"{sign}{m.currency} {number}"


def parse_money(text: str, currency: str = "ZAR", scale: int = 2) -> Money:
    """The amount a member typed, as Money; InvalidInput (plain words) if it is not a usable amount.

    Accepts "R500", "R 1 200,50", "1200.5", "300 rand", "250", "R1,200.50", "1 200.50".
    A comma followed by one or two digits is a decimal comma; otherwise commas, spaces and
    repeated dots group thousands. Rejects zero, negative, more than two decimals and
    amounts over R1 000 000.
    """
    original = text
    cleaned = (text or "").strip()
    if cleaned.startswith("-") or re.search(r"(?:^|\s)-|minus", cleaned, re.IGNORECASE):
        raise InvalidInput("The amount must be more than zero.")
    cleaned = _CURRENCY_WORDS.sub("", cleaned.strip()).strip()
    cleaned = _SPACES.sub("", cleaned)
    if not re.fullmatch(r"[0-9.,]+", cleaned) or not re.search(r"[0-9]", cleaned):
        raise InvalidInput(f"I could not read '{original}' as an amount. Try something like R500 or 1200.50.")
    whole, fraction = _split_decimal(cleaned, original)
    if len(fraction) > scale:
        raise InvalidInput(f"'{original}' has more than {scale} decimals; amounts go to the cent, like 1200.50.")
    minor = int(whole or "0") * 10**scale + int(fraction.ljust(scale, "0") or "0")
    if minor <= 0:
        raise InvalidInput("The amount must be more than zero.")
    if minor > MAX_TYPED_MINOR:
        raise InvalidInput(
            f"{format_money(Money(minor, currency, scale))} is more than the "
            f"{format_money(Money(MAX_TYPED_MINOR, currency, scale))} limit. Please check the amount."
        )
    return Money(minor, currency, scale)


def _split_decimal(number: str, original: str) -> tuple[str, str]:
    """'1200,50' -> ('1200', '50'); '1,200.50' -> ('1200', '50'); '1.200.000' -> ('1200000', '')."""
    unreadable = InvalidInput(f"I could not read '{original}' as an amount. Try something like R500 or 1200.50.")
    last_dot, last_comma = number.rfind("."), number.rfind(",")
    if last_dot >= 0 and last_comma >= 0:
        decimal = "." if last_dot > last_comma else ","
    elif last_dot >= 0:
        decimal = "." if number.count(".") == 1 else None
    elif last_comma >= 0:
        tail = number[last_comma + 1:]
        decimal = "," if number.count(",") == 1 and len(tail) in (1, 2) else None
    else:
        decimal = None
    if decimal is None:
        whole, fraction = number, ""
    else:
        whole, _, fraction = number.rpartition(decimal)
        if not fraction:
            raise unreadable
    grouping = {".", ","} - ({decimal} if decimal else set())
    groups = re.split("[" + re.escape("".join(grouping)) + "]", whole) if grouping else [whole]
    if len(groups) > 1 and (not groups[0] or any(len(g) != 3 for g in groups[1:])):
        raise unreadable
    whole = "".join(groups)
    if not whole.isdigit() and whole != "":
        raise unreadable
    if not fraction.isdigit() and fraction != "":
        raise unreadable
    return whole, fraction
