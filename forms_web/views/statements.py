"""A member's statement for one stokvel: totals, every line, the pot over time (inline
SVG), and the same lines as CSV."""

from __future__ import annotations

import csv
import io
from datetime import date
from itertools import accumulate

from flask import Blueprint, Response, render_template
from sqlalchemy import select

from forms_web.auth import current_number, member_required
from forms_web.chart import pot_chart
from stokvel.db import session_scope
from stokvel.errors import NotMember
from stokvel.models import Membership
from stokvel.money import Money, format_money
from stokvel.services import ledger, members, queries, stokvels

bp = Blueprint("statements", __name__)


def _require_past_or_present_member(session, stokvel_id: int, number: str) -> None:
    """Statements are for members and former members: a stokvel's pot is nobody else's business."""
    stokvel = stokvels.get(session, stokvel_id)
    member = members.get_by_number(session, number)
    if session.execute(select(Membership.id).where(
            Membership.stokvel_id == stokvel_id, Membership.member_id == member.id)).first() is None:
        raise NotMember(f"You are not a member of {stokvel.name}.")


def _pot_series(session, stokvel_id: int) -> list[tuple[date, int]]:
    """The pot's balance after each day with completed money in or out."""
    completed = sorted((e for e in ledger.entries(session, stokvel_id) if e.status == "completed"),
                       key=lambda e: (e.completed_at or e.created_at, e.id))
    by_day: dict[date, int] = {}
    for entry in completed:
        day = (entry.completed_at or entry.created_at).date()
        by_day[day] = by_day.get(day, 0) + entry.signed_minor
    return list(zip(by_day, accumulate(by_day.values())))


def _load(stokvel_id: int):
    number = current_number()
    with session_scope() as session:
        _require_past_or_present_member(session, stokvel_id, number)
        return queries.statement(session, stokvel_id, number), _pot_series(session, stokvel_id)


@bp.get("/stokvels/<int:stokvel_id>/statement")
@member_required
def statement(stokvel_id: int):
    found, series = _load(stokvel_id)
    currency = found.contributed
    chart = pot_chart(series, lambda minor: format_money(Money(minor, currency.currency, currency.scale)))
    return render_template("statement.html", statement=found, chart=chart, stokvel_id=stokvel_id)


def _decimal(amount: Money) -> str:
    """1200.50, with no float in between."""
    units, fraction = divmod(amount.minor, 10**amount.scale)
    return f"{units}.{fraction:0{amount.scale}d}" if amount.scale else str(units)


@bp.get("/stokvels/<int:stokvel_id>/statement.csv")
@member_required
def statement_csv(stokvel_id: int):
    found, _ = _load(stokvel_id)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["date", "kind", "period", "amount", "currency", "status"])
    for line in found.lines:
        writer.writerow([line.when.isoformat(), line.kind,
                         line.period.isoformat() if line.period else "", _decimal(line.amount),
                         line.amount.currency, line.status])
    return Response(out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="statement-{stokvel_id}.csv"',
        "Cache-Control": "no-store",
    })
