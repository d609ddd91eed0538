"""A stokvel's constitution: validating its rules, and versioning changes.

A change by an admin creates a new version effective from the next period (the periods
already under way keep the rules they started with), and every member is told. A change
of contribution amount needs a second admin's approval when there are two or more admins
(see `approvals`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from stokvel.errors import InvalidInput, InvalidState
from stokvel.models import (
    FREQUENCIES,
    PAYOUT_FREQUENCIES,
    PAYOUT_ORDERS,
    STOKVEL_KINDS,
    ApprovalRequest,
    Constitution,
    Member,
    Membership,
    Stokvel,
)
from stokvel.money import Money, format_money, parse_money
from stokvel.services import clock, notices
from stokvel.services.notices import Notice

MAX_MEMBERS_LIMIT = 200
MAX_RULES_TEXT = 4000
# Grace must end before the next period starts: the shortest length of each period.
PERIOD_MIN_DAYS = {"weekly": 7, "fortnightly": 14, "monthly": 28}

_ALIASES = {
    "kind": {"rotation": "rotating", "rotational": "rotating", "saving": "savings"},
    "contribution_frequency": {
        "week": "weekly", "every week": "weekly",
        "every two weeks": "fortnightly", "every 2 weeks": "fortnightly", "biweekly": "fortnightly",
        "bi-weekly": "fortnightly", "fortnight": "fortnightly",
        "month": "monthly", "every month": "monthly",
    },
    "payout_frequency": {"every month": "monthly", "half-yearly": "half_yearly",
                         "every six months": "half_yearly", "annually": "yearly",
                         "at the end": "at_end", "end": "at_end"},
    "payout_order": {"join order": "join_order", "random": "random_draw", "random draw": "random_draw",
                     "admin": "admin_set", "set by admin": "admin_set", "admin set": "admin_set"},
}
_LABELS = {
    "kind": "type", "contribution_frequency": "contribution frequency",
    "payout_frequency": "payout frequency", "payout_order": "payout order",
}
# The fields a constitution holds (column names of `Constitution`), in display order.
FIELDS = (
    "kind", "contribution_minor", "currency", "scale", "contribution_frequency", "start_date",
    "end_date", "payout_frequency", "max_members", "payout_order", "late_penalty_minor",
    "grace_days", "rules_text",
)


@dataclass
class ChangeOutcome:
    """Either the new version (applied) or the approval request it now waits for."""

    version: Constitution | None = None
    approval: ApprovalRequest | None = None
    notices: list[Notice] = field(default_factory=list)


def _choice(raw: dict, key: str, allowed: tuple[str, ...]) -> str | None:
    value = raw.get(key)
    if value is None or value == "":
        return None
    text = " ".join(str(value).strip().lower().replace("_", " ").split())
    text = _ALIASES.get(key, {}).get(text, text.replace(" ", "_"))
    if text not in allowed:
        options = ", ".join(a.replace("_", " ") for a in allowed)
        raise InvalidInput(f"'{value}' is not a valid {_LABELS.get(key, key)}. Choose one of: {options}.")
    return text


def _date(raw: dict, key: str, label: str) -> date | None:
    value = raw.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise InvalidInput(f"The {label} '{value}' is not a date like 2026-01-31.") from None


def _int(raw: dict, key: str, label: str) -> int | None:
    value = raw.get(key)
    if value is None or value == "":
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        raise InvalidInput(f"The {label} must be a whole number, not '{value}'.") from None


def _money(value: Any, label: str, allow_zero: bool = False) -> Money:
    if isinstance(value, Money):
        money = value
    elif allow_zero and str(value).strip().lower() in ("0", "none", "r0", "no", ""):
        return Money(0)
    else:
        money = parse_money(str(value))
    if money.minor < 0 or (money.minor == 0 and not allow_zero):
        raise InvalidInput(f"The {label} must be more than zero.")
    return money


def parse_fields(raw: dict) -> dict:
    """What a form or the bot sent (any subset) -> Constitution column values, each checked alone."""
    out: dict[str, Any] = {}
    for key, allowed in (("kind", STOKVEL_KINDS), ("contribution_frequency", FREQUENCIES),
                         ("payout_frequency", PAYOUT_FREQUENCIES), ("payout_order", PAYOUT_ORDERS)):
        if key in raw:
            out[key] = _choice(raw, key, allowed)
    if raw.get("contribution") not in (None, ""):
        amount = _money(raw["contribution"], "contribution amount")
        out.update(contribution_minor=amount.minor, currency=amount.currency, scale=amount.scale)
    if "late_penalty" in raw:
        out["late_penalty_minor"] = _money(raw["late_penalty"] or "0", "late-payment penalty", True).minor
    for key, label in (("start_date", "start date"), ("end_date", "end date")):
        if key in raw:
            out[key] = _date(raw, key, label)
    for key, label in (("max_members", "maximum number of members"), ("grace_days", "number of grace days")):
        if key in raw:
            out[key] = _int(raw, key, label)
    if "rules_text" in raw:
        out["rules_text"] = (raw["rules_text"] or "").strip()
    return out


def check_rules(values: dict) -> dict:
    """The whole constitution must hang together; returns it completed with defaults."""
    v = dict(values)
    v.setdefault("currency", "ZAR")
    v.setdefault("scale", 2)
    v["late_penalty_minor"] = v.get("late_penalty_minor") or 0
    v["grace_days"] = v.get("grace_days") or 0
    v["rules_text"] = v.get("rules_text") or ""
    v["payout_order"] = v.get("payout_order") or "join_order"
    for key, label in (("kind", "type (rotating or savings)"), ("contribution_minor", "contribution amount"),
                       ("contribution_frequency", "contribution frequency"), ("start_date", "start date"),
                       ("max_members", "maximum number of members")):
        if v.get(key) is None:
            raise InvalidInput(f"Please give the stokvel's {label}.")
    if v.get("end_date") is not None and v["end_date"] <= v["start_date"]:
        raise InvalidInput("The end date must be after the start date.")
    if not 2 <= v["max_members"] <= MAX_MEMBERS_LIMIT:
        raise InvalidInput(f"A stokvel has between 2 and {MAX_MEMBERS_LIMIT} members.")
    if v["grace_days"] < 0 or v["grace_days"] >= PERIOD_MIN_DAYS[v["contribution_frequency"]]:
        raise InvalidInput(
            f"Grace days must be between 0 and {PERIOD_MIN_DAYS[v['contribution_frequency']] - 1} "
            f"for {v['contribution_frequency']} contributions."
        )
    if len(v["rules_text"]) > MAX_RULES_TEXT:
        raise InvalidInput(f"The rules text is too long ({MAX_RULES_TEXT} characters at most).")
    if v["kind"] == "rotating":
        # The pot goes out every contribution period: there is no separate payout rhythm.
        v["payout_frequency"] = None
    else:
        if v.get("payout_frequency") is None:
            if v.get("end_date") is None:
                raise InvalidInput("A savings stokvel needs a payout frequency or an end date.")
            v["payout_frequency"] = "at_end"
        if v["payout_frequency"] == "at_end" and v.get("end_date") is None:
            raise InvalidInput("To pay out at the end, the stokvel needs an end date.")
    return {key: v.get(key) for key in FIELDS}


def versions(session: Session, stokvel_id: int) -> list[Constitution]:
    return list(session.execute(
        select(Constitution).where(Constitution.stokvel_id == stokvel_id).order_by(Constitution.version)
    ).scalars())


def current(session: Session, stokvel_id: int, on_date: date | None = None) -> Constitution:
    """The version in force on `on_date` (today if None); before the start, the first one."""
    all_versions = versions(session, stokvel_id)
    if not all_versions:
        raise InvalidState("This stokvel has no constitution.")
    on_date = on_date or clock.today()
    in_force = [c for c in all_versions if c.effective_from <= on_date]
    return in_force[-1] if in_force else all_versions[0]


def latest(session: Session, stokvel_id: int) -> Constitution:
    """The newest version, including one that takes effect from the next period."""
    return versions(session, stokvel_id)[-1]


def as_dict(c: Constitution) -> dict:
    return {key: getattr(c, key) for key in FIELDS}


def create_first(session: Session, stokvel: Stokvel, values: dict, by: Member) -> Constitution:
    checked = check_rules(values)
    version = Constitution(stokvel_id=stokvel.id, version=1, effective_from=checked["start_date"],
                           created_by_id=by.id, **checked)
    session.add(version)
    session.flush()
    return version


def _changed(old: dict, new: dict) -> dict:
    return {key: new[key] for key in FIELDS if new[key] != old[key]}


def propose_change(session: Session, stokvel_id: int, by_number: str, raw_changes: dict,
                   today: date | None = None) -> ChangeOutcome:
    """An admin changes the rules. Applied as a new version from the next period, or held
    for a second admin's approval when the contribution amount changes and there are
    two or more admins."""
    from stokvel.services import roles

    member, _ = roles.require_admin(session, stokvel_id, by_number)
    changes = parse_fields(raw_changes)
    base = as_dict(latest(session, stokvel_id))
    _check_changeable(session, stokvel_id, base, _changed(base, {**base, **changes}), today or clock.today())
    diff = _changed(base, check_rules({**base, **changes}))
    if not diff:
        raise InvalidInput("Nothing to change: those are already the stokvel's rules.")
    if "contribution_minor" in diff and len(roles.admins(session, stokvel_id)) >= 2:
        from stokvel.services import approvals

        return approvals.request_contribution_change(session, stokvel_id, member, diff)
    return apply_change(session, stokvel_id, diff, member, today)


def _check_changeable(session: Session, stokvel_id: int, base: dict, diff: dict, today: date) -> None:
    if "kind" in diff:
        raise InvalidInput("A stokvel's type (rotating or savings) cannot change once it is created.")
    if "start_date" in diff and today >= base["start_date"]:
        raise InvalidInput("The stokvel has already started, so its start date cannot change.")
    if "max_members" in diff:
        count = session.execute(
            select(func.count()).select_from(Membership).where(
                Membership.stokvel_id == stokvel_id, Membership.status != "left")
        ).scalar_one()
        if diff["max_members"] < count:
            raise InvalidInput(f"The stokvel already has {count} members; the maximum cannot be lower.")


def apply_change(session: Session, stokvel_id: int, diff: dict, by: Member,
                 today: date | None = None) -> ChangeOutcome:
    """Write the new version, effective from the next period, and tell every member."""
    from stokvel.services import schedules

    today = today or clock.today()
    previous = latest(session, stokvel_id)
    values = {**as_dict(previous), **diff}
    effective = schedules.next_period_after(previous, today)
    if values["contribution_frequency"] != previous.contribution_frequency:
        # A new rhythm starts counting from the day it takes effect.
        values["start_date"] = effective
    version = Constitution(stokvel_id=stokvel_id, version=previous.version + 1,
                           effective_from=effective, created_by_id=by.id, **check_rules(values))
    session.add(version)
    session.flush()
    stokvel = session.get(Stokvel, stokvel_id)
    text = (f"The rules of {stokvel.name} have changed (version {version.version}, from "
            f"{effective.isoformat()}): " + describe_changes(diff) + ".")
    return ChangeOutcome(version=version, notices=notices.to_members(session, stokvel_id, text))


def describe_changes(diff: dict) -> str:
    parts = []
    for key, value in diff.items():
        if key in ("currency", "scale"):
            continue
        if key.endswith("_minor"):
            value = format_money(Money(value, diff.get("currency", "ZAR"), diff.get("scale", 2)))
            key = key[: -len("_minor")]
        label = key.replace("_", " ").replace("kind", "type")
        shown = value.isoformat() if isinstance(value, date) else str(value).replace("_", " ")
        parts.append(f"{label} is now {shown}")
    return "; ".join(parts)


def serialise(diff: dict) -> str:
    return json.dumps({k: (v.isoformat() if isinstance(v, date) else v) for k, v in diff.items()})


def deserialise(payload: str) -> dict:
    data = json.loads(payload)
    for key in ("start_date", "end_date"):
        if data.get(key):
            data[key] = date.fromisoformat(data[key])
    return data
