"""The ledger: one row per movement of money, keyed by an idempotency key.

A row records what the payment provider confirmed: `begin` opens it (pending) before
the first call to the provider, `record_provider` keeps the provider's resource URLs,
`complete` / `fail` set the outcome. Each is idempotent: the same event applied twice
changes nothing, so a retry, a duplicate webhook or a second scheduler never charges or
pays twice. Balances, statements and the pot are derived from these rows only.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from stokvel.errors import InvalidInput, InvalidState, NotFound
from stokvel.models import LEDGER_IN_KINDS, LEDGER_KINDS, LedgerEntry, utcnow
from stokvel.money import Money

# Kinds that belong to a member's own share of the pot (penalties belong to the pot).
MEMBER_SHARE_KINDS = ("contribution", "interest", "payout", "refund")


# --- idempotency keys: the one place they are spelt -------------------------------------

def contribution_key(stokvel_id: int, member_id: int, period: date) -> str:
    return f"contribution:{stokvel_id}:{member_id}:{period.isoformat()}"


def penalty_key(stokvel_id: int, member_id: int, period: date) -> str:
    return f"penalty:{stokvel_id}:{member_id}:{period.isoformat()}"


def rotation_payout_key(stokvel_id: int, period: date) -> str:
    return f"payout:{stokvel_id}:{period.isoformat()}"


def savings_payout_key(stokvel_id: int, member_id: int, payout_date: date) -> str:
    return f"payout:{stokvel_id}:{member_id}:{payout_date.isoformat()}"


def requested_payout_key(stokvel_id: int, approval_id: int) -> str:
    return f"payout:{stokvel_id}:request:{approval_id}"


def refund_key(stokvel_id: int, membership_id: int) -> str:
    return f"refund:{stokvel_id}:membership:{membership_id}"


def interest_key(earning_id: int, member_id: int) -> str:
    return f"interest:{earning_id}:{member_id}"


# --- writing ------------------------------------------------------------------------------

def get(session: Session, key: str) -> LedgerEntry | None:
    return session.execute(
        select(LedgerEntry).where(LedgerEntry.idempotency_key == key)
    ).scalar_one_or_none()


def _require(session: Session, key: str) -> LedgerEntry:
    entry = get(session, key)
    if entry is None:
        raise NotFound(f"There is no payment with reference {key}.")
    return entry


def begin(session: Session, key: str, kind: str, *, stokvel_id: int, amount: Money,
          member_id: int | None = None, period: date | None = None,
          approval_id: int | None = None, interest_earning_id: int | None = None,
          status: str = "pending") -> LedgerEntry:
    """Open the row for this payment, or return the existing one unchanged (whatever its
    status): the caller looks at `.status` to know whether there is anything left to do.
    Reusing a key for a different payment is refused."""
    if kind not in LEDGER_KINDS:
        raise InvalidInput(f"Unknown ledger entry kind '{kind}'.")
    if amount.minor <= 0:
        raise InvalidInput("A payment must be for more than zero.")
    existing = get(session, key)
    if existing is None:
        _insert_unless_present(session, dict(
            idempotency_key=key, stokvel_id=stokvel_id, member_id=member_id, kind=kind,
            status=status, amount_minor=amount.minor, currency=amount.currency, scale=amount.scale,
            period=period, approval_id=approval_id, interest_earning_id=interest_earning_id,
            attempts=1, completed_at=utcnow() if status == "completed" else None,
        ))
        # Ours, or the row another process inserted a moment before us: never two.
        existing = get(session, key)
    same = (existing.kind, existing.stokvel_id, existing.member_id, existing.amount_minor,
            existing.currency) == (kind, stokvel_id, member_id, amount.minor, amount.currency)
    if not same:
        raise InvalidState(f"Reference {key} is already used for a different payment.")
    return existing


def _insert_unless_present(session: Session, values: dict) -> None:
    """INSERT ... ON CONFLICT (idempotency_key) DO NOTHING: a concurrent insert of the same
    key is not an error, and no savepoint is needed (SQLite's driver mishandles those)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:
        session.add(LedgerEntry(**values))
        session.flush()
        return
    now = utcnow()
    session.execute(insert(LedgerEntry).values(created_at=now, updated_at=now, **values)
                    .on_conflict_do_nothing(index_elements=["idempotency_key"]))


def retry(session: Session, key: str, max_attempts: int) -> LedgerEntry:
    """Re-open a failed payment for another attempt (at most `max_attempts` in all).
    A pending or completed row is returned unchanged."""
    entry = _require(session, key)
    if entry.status != "failed":
        return entry
    if entry.attempts >= max_attempts:
        raise InvalidState("This payment has already been tried the maximum number of times.")
    entry.status = "pending"
    entry.attempts += 1
    entry.failure_reason = None
    entry.incoming_payment_url = entry.quote_url = entry.outgoing_payment_url = None
    session.flush()
    return entry


def record_provider(session: Session, key: str, *, incoming_payment_url: str | None = None,
                    quote_url: str | None = None, outgoing_payment_url: str | None = None) -> LedgerEntry:
    """Keep the provider's resource URLs on a pending row (so a crash can be reconciled)."""
    entry = _require(session, key)
    for field, value in (("incoming_payment_url", incoming_payment_url), ("quote_url", quote_url),
                         ("outgoing_payment_url", outgoing_payment_url)):
        if value is not None and getattr(entry, field) != value:
            if entry.status != "pending":
                raise InvalidState(f"Payment {key} is already {entry.status}.")
            setattr(entry, field, value)
    session.flush()
    return entry


def complete(session: Session, key: str, *, outgoing_payment_url: str | None = None,
             incoming_payment_url: str | None = None) -> LedgerEntry:
    """The provider confirmed the money moved. A failed row may still complete: the
    provider's word (e.g. found on reconciliation) wins over our earlier guess."""
    entry = _require(session, key)
    if entry.status == "completed":
        return entry
    if outgoing_payment_url is not None:
        entry.outgoing_payment_url = outgoing_payment_url
    if incoming_payment_url is not None:
        entry.incoming_payment_url = incoming_payment_url
    entry.status = "completed"
    entry.failure_reason = None
    entry.completed_at = utcnow()
    session.flush()
    return entry


def fail(session: Session, key: str, reason: str) -> LedgerEntry:
    """The provider refused or the payment could not be made. A completed row never fails."""
    entry = _require(session, key)
    if entry.status == "failed":
        return entry
    if entry.status == "completed":
        raise InvalidState(f"Payment {key} was already confirmed by the provider; it cannot fail.")
    entry.status = "failed"
    entry.failure_reason = reason
    session.flush()
    return entry


# --- reading: everything below is derived from the rows ------------------------------------

_SIGNED = case((LedgerEntry.kind.in_(LEDGER_IN_KINDS), LedgerEntry.amount_minor),
               else_=-LedgerEntry.amount_minor)


def _sum(session: Session, *conditions) -> int:
    return int(session.execute(
        select(func.coalesce(func.sum(_SIGNED), 0)).where(and_(*conditions))
    ).scalar_one())


def balance(session: Session, stokvel_id: int, currency: str = "ZAR", scale: int = 2) -> Money:
    """What the stokvel's wallet should hold: completed money in minus completed money out."""
    return Money(_sum(session, LedgerEntry.stokvel_id == stokvel_id,
                      LedgerEntry.status == "completed"), currency, scale)


def available(session: Session, stokvel_id: int, currency: str = "ZAR", scale: int = 2) -> Money:
    """The balance less payments out that are still pending (not to be paid twice)."""
    pending_out = _sum(session, LedgerEntry.stokvel_id == stokvel_id, LedgerEntry.status == "pending",
                       LedgerEntry.kind.notin_(LEDGER_IN_KINDS))
    return balance(session, stokvel_id, currency, scale) + Money(pending_out, currency, scale)


def member_share(session: Session, stokvel_id: int, member_id: int, currency: str = "ZAR",
                 scale: int = 2, include_pending_out: bool = True, as_of: date | None = None) -> Money:
    """The member's own share: completed contributions and interest (up to the end of
    `as_of`, if given) less everything paid to them (and, by default, less payments to
    them still pending)."""
    mine = (LedgerEntry.stokvel_id == stokvel_id, LedgerEntry.member_id == member_id)
    money_in = [LedgerEntry.kind.in_(MEMBER_SHARE_KINDS), LedgerEntry.kind.in_(LEDGER_IN_KINDS),
                LedgerEntry.status == "completed"]
    if as_of is not None:
        money_in.append(LedgerEntry.completed_at < datetime.combine(as_of + timedelta(days=1), time.min,
                                                                    tzinfo=timezone.utc))
    out_statuses = ("completed", "pending") if include_pending_out else ("completed",)
    money_out = [LedgerEntry.kind.in_(MEMBER_SHARE_KINDS), LedgerEntry.kind.notin_(LEDGER_IN_KINDS),
                 LedgerEntry.status.in_(out_statuses)]
    return Money(_sum(session, *mine, *money_in) + _sum(session, *mine, *money_out), currency, scale)


def total(session: Session, stokvel_id: int, kind: str, member_id: int | None = None,
          currency: str = "ZAR", scale: int = 2) -> Money:
    """Completed amount of one kind (positive), for the stokvel or one member."""
    conditions = [LedgerEntry.stokvel_id == stokvel_id, LedgerEntry.kind == kind,
                  LedgerEntry.status == "completed"]
    if member_id is not None:
        conditions.append(LedgerEntry.member_id == member_id)
    return Money(abs(_sum(session, *conditions)), currency, scale)


def entries(session: Session, stokvel_id: int, member_id: int | None = None) -> list[LedgerEntry]:
    query = select(LedgerEntry).where(LedgerEntry.stokvel_id == stokvel_id)
    if member_id is not None:
        query = query.where(LedgerEntry.member_id == member_id)
    return list(session.execute(query.order_by(LedgerEntry.created_at, LedgerEntry.id)).scalars())
