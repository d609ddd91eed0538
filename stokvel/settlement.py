"""Settlement: the ONE place that moves money.

- `collect_contribution(client, due, on_date)`: a scheduled contribution (and its late
  penalty) from a member's wallet under their recurring grant.
- `pay_payout(client, due, on_date)`: a payout or refund from the stokvel's wallet under the
  platform's payout grant, only out of money the provider confirmed collected.
- `quote_contribution(session, number, stokvel_id, amount)` then
  `confirm_contribution(quote)`: an ad-hoc contribution the member asked for in the chat.
- `reconcile_pending(client)`: payments left uncertain (timeout, crash) looked up at the
  provider and finished.
- `run_sweep(on_date, dry_run=False)`: the daily sweep doing all of the above, plus the
  reminders for tomorrow and the admins' summary of what failed.

Every payment follows one order, which is what makes it safe to crash, retry or run twice:
1. the ledger row is written as pending under its idempotency key and COMMITTED;
2. the provider is called with that key (plus the attempt number) in the payment's metadata,
   and the sandbox/provider returns the first payment for a key it has already seen;
3. the row is completed or failed only from what the provider answered. An answer that
   never came (timeout, 5xx) leaves the row pending; `reconcile_pending` looks the payment
   up by its key before anything is tried again.
A retry of a failed payment is a new attempt (new provider key) on a later day only.
Two sweeps never run at once: the sweep holds a lease in `settlement_locks`.
"""

from __future__ import annotations

import logging
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Callable, Iterable, Iterator, TypeVar

from sqlalchemy import Column, DateTime, Float, LargeBinary, String, Table, Unicode, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from stokvel import links
from stokvel.db import Base, session_scope
from stokvel.errors import DomainError, InvalidInput, InvalidState
from stokvel.models import LedgerEntry, Member, PaymentGrant, Stokvel, utcnow
from stokvel.money import Money, format_money, parse_money
from stokvel.notify import send_whatsapp
from stokvel.payments import (
    AccessToken, GrantLimitExceeded, InsufficientFunds, NotFoundAtProvider, OpenPaymentsClient,
    OutgoingPayment, PaymentError, ProviderUnauthorized, ProviderUnavailable, WalletAddress,
    parse_repeating_interval, platform_client,
)
from stokvel.services import grants, ledger, roles, schedules

log = logging.getLogger(__name__)

T = TypeVar("T")
Progress = Callable[[Iterable[T], int, str], Iterable[T]]

# How long a sweep's lease lasts without renewal: a sweep that died frees it by then.
LEASE = timedelta(minutes=10)
# A pending payment untouched this long was abandoned (crash, timeout): reconcile it.
STALE_AFTER = timedelta(minutes=2)
# Payments in flight at once: provider calls are I/O, so threads overlap their waits.
WORKERS = 8
OUT_KINDS = ("payout", "refund")


# --- tables (created by migrations/versions/0004_settlement.py) -----------------------------

class SettlementLock(Base):
    """A lease: who runs the sweep now, until when."""

    __tablename__ = "settlement_locks"
    name = Column(String(50), primary_key=True)
    holder = Column(String(64), nullable=True)
    lease_until = Column(DateTime(timezone=True), nullable=True)


class SettlementOnce(Base):
    """Things done at most once: one attempt per payment per sweep day, each notice."""

    __tablename__ = "settlement_once"
    key = Column(String(250), primary_key=True)
    done_at = Column(DateTime(timezone=True), nullable=False)


# APScheduler 3's job store (scheduler/ runs the daily sweep from it). Declared here, where
# stokvel.schema finds it, because the schema is the migrations' alone: the job store must
# find this table made, not make it.
APSCHEDULER_JOBS = Table(
    "apscheduler_jobs", Base.metadata,
    Column("id", Unicode(191), primary_key=True),
    Column("next_run_time", Float(25), index=True),
    Column("job_state", LargeBinary, nullable=False),
)


def claim_once(session: Session, key: str) -> bool:
    """True the first time `key` is claimed (by anyone), False ever after."""
    if session.get(SettlementOnce, key) is not None:
        return False
    try:
        with session.begin_nested():
            session.add(SettlementOnce(key=key, done_at=utcnow()))
            session.flush()
        return True
    except IntegrityError:
        return False


class SweepAlreadyRunning(DomainError):
    """Another sweep holds the lease."""


class SweepLease:
    """The sweep's lease: acquire, renew while working, release at the end."""

    NAME = "sweep"

    def __init__(self) -> None:
        self.holder = uuid.uuid4().hex
        self._renewed = utcnow()

    def acquire(self) -> None:
        now = utcnow()
        with session_scope() as session:
            if session.get(SettlementLock, self.NAME) is None:
                try:
                    with session.begin_nested():
                        session.add(SettlementLock(name=self.NAME))
                        session.flush()
                except IntegrityError:
                    pass  # another process created it meanwhile; compete for it below
            taken = session.execute(
                update(SettlementLock)
                .where(SettlementLock.name == self.NAME)
                .where((SettlementLock.holder.is_(None)) | (SettlementLock.lease_until < now))
                .values(holder=self.holder, lease_until=now + LEASE)
            ).rowcount
        if not taken:
            raise SweepAlreadyRunning(
                "Another settlement sweep is running right now; it settles everything due, "
                "so there is nothing to do until it has finished.")
        self._renewed = now

    def renew(self) -> None:
        """Extend the lease (cheap; does nothing if renewed in the last minute)."""
        now = utcnow()
        if now - self._renewed < timedelta(minutes=1):
            return
        with session_scope() as session:
            session.execute(update(SettlementLock).where(SettlementLock.holder == self.holder)
                            .values(lease_until=now + LEASE))
        self._renewed = now

    def release(self) -> None:
        with session_scope() as session:
            session.execute(update(SettlementLock).where(SettlementLock.holder == self.holder)
                            .values(holder=None, lease_until=None))


# --- outcomes and the sweep's summary -----------------------------------------------------

@dataclass(frozen=True)
class Outcome:
    """What happened to one payment. status: collected | paid | failed | pending | skipped."""

    key: str
    kind: str  # contribution | penalty | payout | refund
    status: str
    amount_minor: int
    stokvel_id: int
    stokvel_name: str
    member_number: str
    reason: str = ""
    retries_left: bool = False  # a failed collection will be tried again on a later day


@dataclass
class SweepSummary:
    on_date: date
    dry_run: bool = False
    outcomes: list[Outcome] = field(default_factory=list)
    notices_sent: int = 0

    def _of(self, *statuses: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.status in statuses]

    @property
    def collected(self) -> list[Outcome]:
        return self._of("collected")

    @property
    def paid(self) -> list[Outcome]:
        return self._of("paid")

    @property
    def failures(self) -> list[Outcome]:
        return self._of("failed", "pending")

    @property
    def skipped(self) -> list[Outcome]:
        return self._of("skipped")

    def rows(self) -> list[tuple[str, int, int]]:
        """(label, count, amount in minor units) for the operator's table."""
        groups = [("to collect", ("would collect",)), ("to pay", ("would pay",))] if self.dry_run else [
            ("collected", ("collected",)), ("paid", ("paid",)), ("failed", ("failed",)),
            ("uncertain (to reconcile)", ("pending",)), ("skipped", ("skipped",))]
        rows = []
        for label, statuses in groups:
            found = self._of(*statuses)
            rows.append((label, len(found), sum(o.amount_minor for o in found)))
        return rows

    def one_line(self) -> str:
        return ", ".join(f"{label} {count} ({format_money(Money(minor))})" for label, count, minor in self.rows())


# --- what the sweep tells people ------------------------------------------------------------

@dataclass(frozen=True)
class Notice:
    key: str  # sent at most once per key
    number: str
    text: str
    template: str | None = None
    variables: dict | None = None


def _send_once(notice: Notice) -> bool:
    with session_scope() as session:
        fresh = claim_once(session, f"notice:{notice.key}")
    if not fresh:
        return False
    try:
        return send_whatsapp(notice.number, notice.text, template=notice.template,
                             variables=notice.variables).ok
    except Exception:  # noqa: BLE001 - a message never stops settlement
        log.exception("could not send notice %s to %s", notice.key, notice.number)
        return False


def send_notices(notices: list[Notice]) -> int:
    """Send each notice not sent before (claimed first, so never twice), several at a time
    (each waits on Twilio). Returns how many were accepted."""
    if not notices:
        return 0
    with ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="notify") as pool:
        return sum(pool.map(_send_once, notices))


def _first_name(session: Session, number: str) -> str:
    member = session.execute(select(Member).where(Member.number == number)).scalar_one_or_none()
    return member.name if member else "there"


def _reauthorise_link(number: str, stokvel_id: int) -> str:
    return links.make_link(number, "authorise", stokvel_id=stokvel_id)


_WHY = {
    "insufficient_funds": "there was not enough money in your wallet",
    "grant_limit": "it is more than the allowance you authorised for this period",
    "grant_expired": "your payment authorisation has expired or was cancelled",
    "no_grant": "you have not authorised the recurring contribution yet",
}
_NEEDS_AUTHORISATION = ("grant_limit", "grant_expired", "no_grant")


def _outcome_notices(session: Session, outcome: Outcome, attempt_day: date) -> list[Notice]:
    amount = format_money(Money(outcome.amount_minor))
    name = _first_name(session, outcome.member_number)
    key = f"{outcome.key}:{outcome.status}:{attempt_day.isoformat()}"
    if outcome.status == "collected":
        what = "late-payment penalty" if outcome.kind == "penalty" else "contribution"
        return [Notice(key, outcome.member_number,
                       f"We received your {outcome.stokvel_name} {what} of {amount}. Thank you!",
                       template="contribution_received",
                       variables={"1": name, "2": outcome.stokvel_name, "3": amount})]
    if outcome.status == "failed" and outcome.kind in ("contribution", "penalty"):
        code, _, detail = outcome.reason.partition(":")
        why = _WHY.get(code, detail.strip() or "the payment provider refused it")
        text = (f"We could not collect {amount} for {outcome.stokvel_name}: {why}. "
                "Nothing was taken from your wallet.")
        if code in _NEEDS_AUTHORISATION:
            text += f" Please authorise the contribution again here: {_reauthorise_link(outcome.member_number, outcome.stokvel_id)}"
        if outcome.retries_left:
            text += " We will try again tomorrow."
        return [Notice(key, outcome.member_number, text)]
    if outcome.status == "paid":
        notices = [Notice(key, outcome.member_number,
                          f"Your payout of {amount} from {outcome.stokvel_name} is on its way to your wallet.",
                          template="payout_sent",
                          variables={"1": name, "2": amount, "3": outcome.stokvel_name})]
        for admin in roles.admins(session, outcome.stokvel_id):
            notices.append(Notice(f"{key}:admin:{admin.member_id}", admin.member.number,
                                  f"{outcome.stokvel_name}: {amount} was paid out to {name} "
                                  f"({outcome.member_number})."))
        return notices
    return []


def _admin_summaries(session: Session, summary: SweepSummary) -> list[Notice]:
    """One message per stokvel to its admins, when anything failed or is uncertain."""
    by_stokvel: dict[int, list[Outcome]] = {}
    for outcome in summary.failures:
        by_stokvel.setdefault(outcome.stokvel_id, []).append(outcome)
    notices = []
    for stokvel_id, failed in by_stokvel.items():
        lines = [f"{failed[0].stokvel_name}, {summary.on_date.isoformat()}: {len(failed)} payment(s) did not go through."]
        for o in failed[:20]:
            lines.append(f"- {o.kind} {format_money(Money(o.amount_minor))} "
                         f"{o.member_number}: {o.reason or o.status}")
        if len(failed) > 20:
            lines.append(f"... and {len(failed) - 20} more.")
        for admin in roles.admins(session, stokvel_id):
            notices.append(Notice(f"summary:{stokvel_id}:{summary.on_date.isoformat()}:{admin.member_id}",
                                  admin.member.number, "\n".join(lines)))
    return notices


def _reminders(session: Session, on_date: date) -> list[Notice]:
    """'R500 for Mamelodi Savers will be collected tomorrow', to each member due tomorrow."""
    tomorrow = on_date + timedelta(days=1)
    notices = []
    names: dict[int, str] = {}
    for due in schedules.due_contributions(session, tomorrow):
        if due.period != tomorrow or due.attempt != 1:
            continue
        name = names.setdefault(due.stokvel_id, session.get(Stokvel, due.stokvel_id).name)
        amount = format_money(due.amount)
        notices.append(Notice(
            f"reminder:{due.key}", due.number, f"{amount} for {name} will be collected tomorrow.",
            template="contribution_reminder",
            variables={"1": _first_name(session, due.number), "2": name, "3": amount,
                       "4": tomorrow.strftime("%d %B %Y")}))
    return notices


# --- talking to the provider ----------------------------------------------------------------

class PlatformTokens:
    """The platform's non-interactive tokens (incoming payments, quotes) per wallet, kept for
    the sweep and requested again when the provider says one expired."""

    def __init__(self, client: OpenPaymentsClient):
        self.client = client
        self._lock = threading.Lock()
        self._wallets: dict[str, WalletAddress] = {}
        self._tokens: dict[tuple[str, str], AccessToken] = {}

    def wallet(self, url: str) -> WalletAddress:
        with self._lock:
            found = self._wallets.get(url)
        if found is None:
            found = self.client.resolve(url)
            with self._lock:
                self._wallets[url] = found
        return found

    @staticmethod
    def _scope(purpose: str, wallet: WalletAddress) -> tuple[str, str]:
        # Incoming-payment access names its wallet; quote access is for any wallet of
        # that authorization server, so one token serves every member there.
        return (purpose, wallet.id if purpose == "incoming" else wallet.auth_server)

    def token(self, purpose: str, wallet: WalletAddress) -> AccessToken:
        scope = self._scope(purpose, wallet)
        with self._lock:
            found = self._tokens.get(scope)
        if found is None:
            grant = (self.client.grant_incoming_payments(wallet) if purpose == "incoming"
                     else self.client.grant_quotes(wallet))
            found = grant.access_token
            with self._lock:
                self._tokens[scope] = found
        return found

    def call(self, purpose: str, wallet: WalletAddress, action: Callable[[AccessToken], T]) -> T:
        """Run `action` with the token; once more with a fresh token if it had expired."""
        try:
            return action(self.token(purpose, wallet))
        except ProviderUnauthorized:
            with self._lock:
                self._tokens.pop(self._scope(purpose, wallet), None)
            return action(self.token(purpose, wallet))


_rotation_locks: dict[int, threading.Lock] = {}
_rotation_locks_guard = threading.Lock()


def _rotation_lock(grant_id: int) -> threading.Lock:
    """One lock per grant: payouts share the stokvel's grant, and only one of them may
    rotate its token (rotation retires the token the others hold)."""
    with _rotation_locks_guard:
        return _rotation_locks.setdefault(grant_id, threading.Lock())


class GrantUnusable(Exception):
    """The payer's grant is missing, revoked or expired beyond rotation."""


def _with_payer_grant(client: OpenPaymentsClient, grant_id: int, token: AccessToken,
                      action: Callable[[AccessToken], T]) -> T:
    """Run `action` under the payer's grant (`token` as stored); if the token expired,
    rotate it (and store the new one) and try once more."""
    try:
        return action(token)
    except ProviderUnauthorized:
        with _rotation_lock(grant_id):
            with session_scope() as session:
                grant = session.get(PaymentGrant, grant_id)
                stored = AccessToken(grant.access_token, grant.manage_url)
                if stored == token:  # nobody rotated it meanwhile
                    try:
                        stored = client.rotate_token(token)
                    except (ProviderUnauthorized, NotFoundAtProvider):
                        raise GrantUnusable() from None
                    grant.access_token, grant.manage_url = stored.value, stored.manage
            fresh = stored
        try:
            return action(fresh)
        except ProviderUnauthorized:
            raise GrantUnusable() from None


def _failure_reason(error: Exception) -> str:
    """A short code and the provider's plain words, for the ledger and the member's message."""
    if isinstance(error, GrantUnusable):
        return "grant_expired: the payment authorisation has expired or was cancelled"
    if isinstance(error, InsufficientFunds):
        return f"insufficient_funds: {error.message}"
    if isinstance(error, GrantLimitExceeded):
        return f"grant_limit: {error.message}"
    if isinstance(error, PaymentError):
        return f"refused: {error.message}"
    return f"error: {error}"


@dataclass(frozen=True)
class _Transfer:
    """One payment to make: from the payer's wallet under their grant to the payee."""

    key: str
    attempt: int
    payer_wallet: str
    payer_grant_id: int
    payer_token: AccessToken
    payee_wallet: str
    amount: Money

    @classmethod
    def under(cls, grant: PaymentGrant, *, key: str, attempt: int, payee_wallet: str,
              amount: Money) -> "_Transfer":
        return cls(key=key, attempt=attempt, payer_wallet=grant.wallet_address, payer_grant_id=grant.id,
                   payer_token=AccessToken(grant.access_token, grant.manage_url), payee_wallet=payee_wallet,
                   amount=amount)

    @property
    def provider_key(self) -> str:
        return f"{self.key}#{self.attempt}"

    def under_grant(self, client: OpenPaymentsClient, action: Callable[[AccessToken], T]) -> T:
        return _with_payer_grant(client, self.payer_grant_id, self.payer_token, action)


def _find_at_provider(client: OpenPaymentsClient, tokens: PlatformTokens,
                      transfer: _Transfer) -> OutgoingPayment | None:
    payer = tokens.wallet(transfer.payer_wallet)
    return transfer.under_grant(client, lambda token: client.find_outgoing_payment(
        payer, token, transfer.provider_key))


def _move(client: OpenPaymentsClient, tokens: PlatformTokens, transfer: _Transfer) -> OutgoingPayment:
    """Incoming payment at the payee, quote at the payer, outgoing payment under the payer's
    grant: all carrying the provider key, so repeating this returns the same payment."""
    payer = tokens.wallet(transfer.payer_wallet)
    payee = tokens.wallet(transfer.payee_wallet)
    incoming = tokens.call("incoming", payee, lambda token: client.create_incoming_payment(
        payee, token, idempotency_key=transfer.provider_key, incoming_amount=transfer.amount))
    if incoming.completed:
        # Paid already (a crash after the provider took it): find that payment.
        found = _find_at_provider(client, tokens, transfer)
        if found is not None:
            return found
    quote = tokens.call("quote", payer, lambda token: client.create_quote(payer, token, receiver=incoming.id))
    return transfer.under_grant(client, lambda token: client.create_outgoing_payment(
        payer, token, quote_id=quote.id, idempotency_key=transfer.provider_key))


def _settle(key: str, pay: Callable[[], OutgoingPayment]) -> tuple[str, str]:
    """Make a payment (`pay` calls the provider) and record what the provider said:
    ('done' | 'failed' | 'pending', reason). No answer leaves the row pending."""
    try:
        payment = pay()
    except PaymentError as error:
        if error.outcome_unknown or isinstance(error, ProviderUnavailable):
            # Maybe paid, or the provider is down: either way not the member's doing. The
            # row stays pending and the next sweep looks it up before paying.
            log.warning("payment %s not settled (%s); left pending to reconcile", key, error)
            return "pending", f"uncertain: {error.message}"
        reason = _failure_reason(error)
    except GrantUnusable as error:
        reason = _failure_reason(error)
    else:
        if not payment.failed:
            with session_scope() as session:
                ledger.complete(session, key, outgoing_payment_url=payment.id,
                                incoming_payment_url=payment.receiver)
            return "done", ""
        reason = "refused: the payment provider could not complete the payment"
    with session_scope() as session:
        ledger.fail(session, key, reason)
    return "failed", reason


def _transfer_and_settle(client: OpenPaymentsClient, tokens: PlatformTokens,
                         transfer: _Transfer) -> tuple[str, str]:
    return _settle(transfer.key, lambda: _move(client, tokens, transfer))


# --- one payment ----------------------------------------------------------------------------

def _open(session: Session, key: str, kind: str, *, on_date: date, max_attempts: int,
          **begin_args) -> LedgerEntry | None:
    """The pending row to pay now, or None if there is nothing to do today (already done,
    already tried today, or out of attempts)."""
    if not claim_once(session, f"attempt:{key}:{on_date.isoformat()}"):
        return None
    entry = ledger.begin(session, key, kind, **begin_args)
    if entry.status == "failed":
        if entry.attempts >= max_attempts:
            return None
        entry = ledger.retry(session, key, max_attempts)
    return entry if entry.status == "pending" else None


def _outcome(entry_key: str, kind: str, status: str, amount: Money, stokvel: Stokvel, number: str,
             reason: str = "", retries_left: bool = False) -> Outcome:
    return Outcome(key=entry_key, kind=kind, status=status, amount_minor=amount.minor, stokvel_id=stokvel.id,
                   stokvel_name=stokvel.name, member_number=number, reason=reason, retries_left=retries_left)


def _collect_one(client: OpenPaymentsClient, tokens: PlatformTokens, *, key: str, kind: str,
                 due: schedules.DueContribution, amount: Money, on_date: date) -> Outcome:
    with session_scope() as session:
        stokvel = session.get(Stokvel, due.stokvel_id)
        max_attempts = stokvel.max_collection_retries + 1
        entry = _open(session, key, kind, on_date=on_date, max_attempts=max_attempts,
                      stokvel_id=due.stokvel_id, amount=amount, member_id=due.member_id, period=due.period)
        if entry is None:
            return _outcome(key, kind, "skipped", amount, stokvel, due.number, "nothing to do today")
        retries_left = entry.attempts < max_attempts
        grant = grants.active_contribution_grant(session, due.membership_id)
        if grant is None or not grant.access_token:
            reason = "no_grant: no active payment authorisation"
        elif not stokvel.wallet_address:
            reason = "refused: the stokvel has no wallet address yet"
        else:
            reason = None
            transfer = _Transfer.under(grant, key=key, attempt=entry.attempts, payee_wallet=stokvel.wallet_address,
                                       amount=amount)
        if reason is not None:
            ledger.fail(session, key, reason)
            return _outcome(key, kind, "failed", amount, stokvel, due.number, reason, retries_left)
    # Committed: the pending row exists before the provider hears of the payment.
    status, reason = _transfer_and_settle(client, tokens, transfer)
    return _outcome(key, kind, {"done": "collected"}.get(status, status), amount, stokvel, due.number, reason,
                    retries_left and status == "failed")


def collect_contribution(client: OpenPaymentsClient, due: schedules.DueContribution, on_date: date,
                         tokens: PlatformTokens | None = None) -> list[Outcome]:
    """Collect one due contribution, then its late-payment penalty if one is owed (each
    its own ledger row, so the penalty is charged once)."""
    tokens = tokens or PlatformTokens(client)
    outcomes = [_collect_one(client, tokens, key=due.key, kind="contribution", due=due,
                             amount=due.amount, on_date=on_date)]
    if due.penalty is not None and due.penalty_key is not None:
        outcomes.append(_collect_one(client, tokens, key=due.penalty_key, kind="penalty", due=due,
                                     amount=due.penalty, on_date=on_date))
    return outcomes


def pay_payout(client: OpenPaymentsClient, due: schedules.DuePayout, on_date: date,
               tokens: PlatformTokens | None = None) -> Outcome:
    """Pay one due payout or refund from the stokvel's wallet, out of confirmed money only."""
    tokens = tokens or PlatformTokens(client)
    with session_scope() as session:
        stokvel = session.get(Stokvel, due.stokvel_id)
        member = session.get(Member, due.member_id)
        existing = ledger.get(session, due.key)
        if existing is None or existing.status == "failed":
            # Not yet counted against the pot: there must be that much confirmed money in it.
            available = ledger.available(session, stokvel.id, due.amount.currency, due.amount.scale)
            if available < due.amount:
                return _outcome(due.key, due.kind, "skipped", due.amount, stokvel, due.number,
                                f"only {format_money(available)} confirmed in the pot")
        entry = _open(session, due.key, due.kind, on_date=on_date,
                      max_attempts=stokvel.max_collection_retries + 1, stokvel_id=stokvel.id,
                      amount=due.amount, member_id=due.member_id, period=due.period,
                      approval_id=due.approval_id)
        if entry is None:
            return _outcome(due.key, due.kind, "skipped", due.amount, stokvel, due.number, "nothing to do today")
        grant = grants.active_payout_grant(session, stokvel.id)
        if grant is None or not grant.access_token:
            reason = "no_grant: the stokvel's payout authorisation is missing"
            ledger.fail(session, due.key, reason)
            return _outcome(due.key, due.kind, "failed", due.amount, stokvel, due.number, reason)
        transfer = _Transfer.under(grant, key=due.key, attempt=entry.attempts, payee_wallet=member.wallet_address,
                                   amount=due.amount)
    status, reason = _transfer_and_settle(client, tokens, transfer)
    return _outcome(due.key, due.kind, {"done": "paid"}.get(status, status), due.amount, stokvel, due.number,
                    reason)


# --- reconciling what was left uncertain -----------------------------------------------------

def _transfer_for(session: Session, entry: LedgerEntry) -> _Transfer | None:
    stokvel = session.get(Stokvel, entry.stokvel_id)
    member = session.get(Member, entry.member_id) if entry.member_id else None
    if entry.kind in OUT_KINDS:
        grant = grants.active_payout_grant(session, stokvel.id)
        payee = member.wallet_address if member else None
    else:
        membership = roles.current_membership(session, stokvel.id, entry.member_id) if member else None
        grant = grants.active_contribution_grant(session, membership.id) if membership else None
        payee = stokvel.wallet_address
    if grant is None or not grant.access_token or not payee:
        return None
    return _Transfer.under(grant, key=entry.idempotency_key, attempt=entry.attempts, payee_wallet=payee,
                           amount=entry.amount)


def reconcile_pending(client: OpenPaymentsClient, tokens: PlatformTokens | None = None,
                      older_than: timedelta | None = None) -> list[Outcome]:
    """Finish every pending payment nobody is working on: complete it if the provider has
    it, otherwise make it now (same provider key, so the provider cannot take it twice)."""
    tokens = tokens or PlatformTokens(client)
    cutoff = utcnow() - (STALE_AFTER if older_than is None else older_than)
    with session_scope() as session:
        stale = [(e.idempotency_key, e.kind) for e in session.execute(
            select(LedgerEntry).where(LedgerEntry.status == "pending", LedgerEntry.updated_at <= cutoff)
            .order_by(LedgerEntry.id)).scalars()]
    outcomes = []
    for key, kind in stale:
        with session_scope() as session:
            entry = ledger.get(session, key)
            stokvel = session.get(Stokvel, entry.stokvel_id)
            number = entry.member.number if entry.member else ""
            transfer = _transfer_for(session, entry)
            amount = entry.amount
            # Touch the row: a second reconciler started now will leave it alone.
            entry.updated_at = utcnow()
        if transfer is None:
            outcomes.append(_outcome(key, kind, "pending", amount, stokvel, number,
                                     "uncertain: no usable grant to look the payment up with"))
            continue
        try:
            found = _find_at_provider(client, tokens, transfer)
        except (PaymentError, GrantUnusable) as error:
            outcomes.append(_outcome(key, kind, "pending", amount, stokvel, number,
                                     f"uncertain: {getattr(error, 'message', 'grant unusable')}"))
            continue
        if found is not None and not found.failed:
            with session_scope() as session:
                ledger.complete(session, key, outgoing_payment_url=found.id)
            status, reason = "done", ""
        else:
            status, reason = _transfer_and_settle(client, tokens, transfer)
        done = "paid" if kind in OUT_KINDS else "collected"
        outcomes.append(_outcome(key, kind, {"done": done}.get(status, status), amount, stokvel, number, reason))
    return outcomes


# --- ad-hoc contributions (the bot) --------------------------------------------------------

@dataclass(frozen=True)
class ContributionQuote:
    """What paying now would cost the member; plain values, so the bot can keep it in a slot
    and pass it back to `confirm_contribution` (`ContributionQuote(**as_dict)`)."""

    key: str
    stokvel_id: int
    member_id: int
    number: str
    amount_minor: int  # what reaches the stokvel
    debit_minor: int  # what leaves the member's wallet (amount + fees)
    currency: str
    scale: int
    incoming_payment_url: str
    quote_url: str
    expires_at: str | None

    @property
    def amount(self) -> Money:
        return Money(self.amount_minor, self.currency, self.scale)

    @property
    def debit(self) -> Money:
        return Money(self.debit_minor, self.currency, self.scale)

    @property
    def fee(self) -> Money:
        return self.debit - self.amount


def _adhoc_context(session: Session, number: str, stokvel_id: int) -> tuple[Member, Stokvel, PaymentGrant]:
    member, membership = roles.require_member(session, stokvel_id, number, active=True)
    stokvel = session.get(Stokvel, stokvel_id)
    grant = grants.active_contribution_grant(session, membership.id)
    if grant is None or not grant.access_token:
        raise InvalidState(f"You have not authorised payments to {stokvel.name} yet. "
                           f"Authorise here: {_reauthorise_link(member.number, stokvel_id)}")
    if not stokvel.wallet_address:
        raise InvalidState(f"{stokvel.name} has no wallet yet, so it cannot receive money.")
    return member, stokvel, grant


def _paid_of_own_accord(session: Session, grant: PaymentGrant, member_id: int) -> Money:
    """Ad-hoc contributions (they have no period) paid or in flight under `grant` in its
    current interval."""
    window = parse_repeating_interval(grant.interval).containing(utcnow()) if grant.interval else None
    query = select(func.coalesce(func.sum(LedgerEntry.amount_minor), 0)).where(
        LedgerEntry.stokvel_id == grant.stokvel_id, LedgerEntry.member_id == member_id,
        LedgerEntry.kind == "contribution", LedgerEntry.period.is_(None),
        LedgerEntry.status.in_(("pending", "completed")))
    if window is not None:
        query = query.where(LedgerEntry.created_at >= window[0], LedgerEntry.created_at < window[1])
    return Money(int(session.execute(query).scalar_one()), grant.limit_currency or "ZAR",
                 grant.limit_scale if grant.limit_scale is not None else 2)


def quote_contribution(session: Session, number: str, stokvel_id: int, amount: Money | str,
                       client: OpenPaymentsClient | None = None) -> ContributionQuote:
    """Prepare a contribution of `amount` now: the stokvel's incoming payment and a quote from
    the member's wallet. Nothing moves until `confirm_contribution`."""
    member, stokvel, grant = _adhoc_context(session, number, stokvel_id)
    money = amount if isinstance(amount, Money) else parse_money(amount)
    if money.minor <= 0:
        raise InvalidInput("The amount must be more than zero.")
    room = grants.extra_contribution_room(session, grant) - _paid_of_own_accord(session, grant, member.id)
    if money > room:
        # Paying more would eat into what the scheduled contribution needs from the allowance.
        if room.minor <= 0:
            raise InvalidInput(f"Your payment allowance for {stokvel.name} has no room left this "
                               "period for payments beyond your scheduled contribution, so nothing was paid.")
        raise InvalidInput(f"Your payment allowance leaves room for {format_money(room)} more in "
                           f"{stokvel.name} this period. Please choose that or less; nothing was paid.")
    client = client or platform_client()
    tokens = PlatformTokens(client)
    key = f"contribution:{stokvel.id}:{member.id}:adhoc:{uuid.uuid4().hex}"
    payee = tokens.wallet(stokvel.wallet_address)
    payer = tokens.wallet(grant.wallet_address)
    incoming = tokens.call("incoming", payee, lambda token: client.create_incoming_payment(
        payee, token, idempotency_key=f"{key}#1", incoming_amount=money))
    quote = tokens.call("quote", payer, lambda token: client.create_quote(payer, token, receiver=incoming.id))
    return ContributionQuote(key=key, stokvel_id=stokvel.id, member_id=member.id, number=member.number,
                             amount_minor=quote.receive_amount.minor, debit_minor=quote.debit_amount.minor,
                             currency=money.currency, scale=money.scale, incoming_payment_url=incoming.id,
                             quote_url=quote.id, expires_at=quote.expires_at)


def confirm_contribution(quote: ContributionQuote, client: OpenPaymentsClient | None = None) -> Outcome:
    """Pay a quoted contribution. Idempotent: confirming the same quote twice pays once."""
    client = client or platform_client()
    with session_scope() as session:
        member, stokvel, grant = _adhoc_context(session, quote.number, quote.stokvel_id)
        if member.id != quote.member_id:
            raise InvalidInput("That quote belongs to someone else.")
        entry = ledger.begin(session, quote.key, "contribution", stokvel_id=stokvel.id, amount=quote.amount,
                             member_id=member.id)
        if entry.status != "pending":
            return _outcome(quote.key, "contribution", "collected" if entry.status == "completed" else "failed",
                            quote.amount, stokvel, member.number, entry.failure_reason or "")
        ledger.record_provider(session, quote.key, incoming_payment_url=quote.incoming_payment_url,
                               quote_url=quote.quote_url)
        transfer = _Transfer.under(grant, key=quote.key, attempt=1, payee_wallet=stokvel.wallet_address,
                                   amount=quote.amount)
    payer = PlatformTokens(client).wallet(transfer.payer_wallet)
    status, reason = _settle(quote.key, lambda: transfer.under_grant(client, lambda token: (
        client.create_outgoing_payment(payer, token, quote_id=quote.quote_url,
                                       idempotency_key=transfer.provider_key))))
    return _outcome(quote.key, "contribution", {"done": "collected"}.get(status, status), quote.amount,
                    stokvel, member.number, reason)


# --- the sweep ------------------------------------------------------------------------------

def _no_progress(items: Iterable[T], total: int, description: str) -> Iterable[T]:
    return items


def _in_parallel(work: Callable[[T], list[Outcome]], items: list[T], lease: SweepLease,
                 progress: Progress, description: str, workers: int) -> Iterator[Outcome]:
    """Run `work` on each item, `workers` at a time; one item's error never stops the others."""
    def guarded(item: T) -> list[Outcome]:
        try:
            return work(item)
        except Exception:  # noqa: BLE001 - logged; this member's failure must not stop the rest
            log.exception("settling %r failed", item)
            return []

    if not items:
        return
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="settle") as pool:
        for outcomes in progress(pool.map(guarded, items), len(items), description):
            lease.renew()
            yield from outcomes


def _preview(on_date: date) -> SweepSummary:
    """What the sweep would do, computed in a transaction that is rolled back."""
    summary = SweepSummary(on_date=on_date, dry_run=True)
    with session_scope() as session:
        names = {s.id: s.name for s in session.execute(select(Stokvel)).scalars()}
        for due in schedules.due_contributions(session, on_date):
            for key, kind, amount in ((due.key, "contribution", due.amount),
                                      (due.penalty_key, "penalty", due.penalty)):
                if key is not None and amount is not None:
                    summary.outcomes.append(Outcome(key, kind, "would collect", amount.minor, due.stokvel_id,
                                                    names[due.stokvel_id], due.number))
        for due in schedules.due_payouts(session, on_date):
            summary.outcomes.append(Outcome(due.key, due.kind, "would pay", due.amount.minor, due.stokvel_id,
                                            names[due.stokvel_id], due.number, due.reason))
        session.rollback()  # due_payouts may draw rotation places: a preview changes nothing
    return summary


def run_sweep(on_date: date, dry_run: bool = False, *, progress: Progress = _no_progress,
              client: OpenPaymentsClient | None = None, notify: bool = True) -> SweepSummary:
    """Settle `on_date`: reconcile uncertain payments, collect what is due (and was missed),
    pay what is owed from confirmed money, then tell members and admins.

    Raises SweepAlreadyRunning if another sweep holds the lease."""
    if dry_run:
        return _preview(on_date)
    client = client or platform_client()
    tokens = PlatformTokens(client)
    lease = SweepLease()
    lease.acquire()
    summary = SweepSummary(on_date=on_date)
    try:
        summary.outcomes.extend(reconcile_pending(client, tokens))
        with session_scope() as session:
            contributions = schedules.due_contributions(session, on_date)
        summary.outcomes.extend(_in_parallel(
            lambda due: collect_contribution(client, due, on_date, tokens), contributions, lease, progress,
            "collecting", WORKERS))
        with session_scope() as session:
            payouts = schedules.due_payouts(session, on_date)
        # One at a time: each payout checks the confirmed pot, which the one before it used.
        summary.outcomes.extend(_in_parallel(
            lambda due: [pay_payout(client, due, on_date, tokens)], payouts, lease, progress, "paying out", 1))
        if notify:
            lease.renew()
            with session_scope() as session:
                notices = [n for o in summary.outcomes for n in _outcome_notices(session, o, on_date)]
                notices += _admin_summaries(session, summary)
                notices += _reminders(session, on_date)
            summary.notices_sent = send_notices(notices)
    finally:
        lease.release()
    return summary


def run_due_sweeps(today: date) -> list[SweepSummary]:
    """What the daily job runs. Today's sweep also settles every period of days when no sweep
    ran (the schedules look back to the start), so one run catches up any downtime."""
    try:
        return [run_sweep(today)]
    except SweepAlreadyRunning as busy:
        log.info("%s", busy.message)
        return []
