"""A stokvel's constitution in plain words, for the creator to confirm and members to read:
"Each of up to 12 members pays R500 on the 1st of every month from 1 February 2027; the
whole pot goes to one member each month in join order; R50 penalty after 3 days late."
"""

from __future__ import annotations

from datetime import date

from stokvel.money import Money, format_money

_PERIOD_NOUN = {"weekly": "week", "fortnightly": "fortnight", "monthly": "month"}
_ORDER = {"join_order": "in join order", "random_draw": "in an order drawn at random",
          "admin_set": "in an order the admins set"}
_SHARE_OUT = {"monthly": "every month", "quarterly": "every three months",
              "half_yearly": "every six months", "yearly": "once a year"}


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _when(frequency: str, start: date) -> str:
    if frequency == "weekly":
        return f"every {start:%A} from {long_date(start)}"
    if frequency == "fortnightly":
        return f"every second {start:%A} from {long_date(start)}"
    day = _ordinal(start.day) + (" (or the month's last day)" if start.day > 28 else "")
    return f"on the {day} of every month from {long_date(start)}"


def describe_constitution(c: dict) -> str:
    """`c` holds the domain core's constitution values (see constitution.check_rules)."""
    money = lambda minor: format_money(Money(minor, c.get("currency", "ZAR"), c.get("scale", 2)))  # noqa: E731
    parts = [
        f"Each of up to {c['max_members']} members pays {money(c['contribution_minor'])} "
        + _when(c["contribution_frequency"], c["start_date"])
        + (f" until {long_date(c['end_date'])}" if c.get("end_date") else "")
    ]
    if c["kind"] == "rotating":
        parts.append(f"the whole pot goes to one member each "
                     f"{_PERIOD_NOUN[c['contribution_frequency']]} {_ORDER[c['payout_order']]}")
    elif c["payout_frequency"] == "at_end":
        parts.append(f"the pot is shared out among the members on {long_date(c['end_date'])}")
    else:
        parts.append(f"the pot is shared out among the members {_SHARE_OUT[c['payout_frequency']]}")
    penalty = c.get("late_penalty_minor") or 0
    if penalty:
        grace = c.get("grace_days") or 0
        late = f"after {grace} day{'s' if grace != 1 else ''} late" if grace else "for paying late"
        parts.append(f"{money(penalty)} penalty {late}")
    else:
        parts.append("no penalty for paying late")
    return "; ".join(parts) + "."
