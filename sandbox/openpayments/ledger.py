"""The sandbox provider's own ledger (its SQLite file, not the product database).

Balances are integer minor units and can never go negative: a CHECK constraint backs the
conditional debit in `debit()`.
"""

from __future__ import annotations

import datetime
import json

from sqlalchemy import (
    BigInteger, Boolean, CheckConstraint, Column, DateTime, ForeignKey, Integer, String, Text,
    UniqueConstraint, create_engine, event, update,
)
from sqlalchemy.orm import Session, declarative_base, sessionmaker
from sqlalchemy.types import TypeDecorator

Base = declarative_base()


class JSONText(TypeDecorator):
    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else json.dumps(value, separators=(",", ":"))

    def process_result_value(self, value, dialect):
        return None if value is None else json.loads(value)


class UTCDateTime(TypeDecorator):
    """SQLite forgets time zones: store naive UTC, hand back aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else value.astimezone(datetime.timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=datetime.timezone.utc)


class Wallet(Base):
    __tablename__ = "wallets"
    __table_args__ = (CheckConstraint("balance >= 0", name="ck_wallet_balance_not_negative"),)
    id = Column(Integer, primary_key=True)
    name = Column(String(64), nullable=False, unique=True)
    public_name = Column(String(128), nullable=True)
    asset_code = Column(String(8), nullable=False)
    asset_scale = Column(Integer, nullable=False)
    balance = Column(BigInteger, nullable=False, default=0)


class ClientKey(Base):
    __tablename__ = "client_keys"
    __table_args__ = (UniqueConstraint("wallet_id", "kid"),)
    id = Column(Integer, primary_key=True)
    wallet_id = Column(Integer, ForeignKey("wallets.id"), nullable=False)
    kid = Column(String(128), nullable=False)
    jwk = Column(JSONText, nullable=False)


class Grant(Base):
    __tablename__ = "grants"
    id = Column(String(36), primary_key=True)
    client = Column(Text, nullable=True)  # the client's wallet address URL
    client_jwk = Column(JSONText, nullable=True)  # or its key, for directed identity
    access = Column(JSONText, nullable=False)
    state = Column(String(12), nullable=False)  # pending, approved, rejected, finalized, revoked
    continue_id = Column(String(36), nullable=False, unique=True)
    continue_token = Column(String(64), nullable=False)
    wait_until = Column(UTCDateTime, nullable=True)
    finish_uri = Column(Text, nullable=True)
    client_nonce = Column(String(255), nullable=True)
    interact_id = Column(String(36), nullable=True, unique=True)
    interact_nonce = Column(String(64), nullable=True)
    interact_ref = Column(String(36), nullable=True)
    created_at = Column(UTCDateTime, nullable=False)


class Token(Base):
    __tablename__ = "tokens"
    id = Column(String(36), primary_key=True)  # the manage URL's id
    grant_id = Column(String(36), ForeignKey("grants.id"), nullable=False)
    value = Column(String(64), nullable=False, unique=True)
    expires_at = Column(UTCDateTime, nullable=False)
    revoked = Column(Boolean, nullable=False, default=False)


class IncomingPayment(Base):
    __tablename__ = "incoming_payments"
    __table_args__ = (UniqueConstraint("wallet_id", "idempotency_key"),)
    id = Column(String(36), primary_key=True)
    wallet_id = Column(Integer, ForeignKey("wallets.id"), nullable=False)
    incoming_amount = Column(BigInteger, nullable=True)
    received_amount = Column(BigInteger, nullable=False, default=0)
    completed = Column(Boolean, nullable=False, default=False)
    expires_at = Column(UTCDateTime, nullable=True)
    meta = Column(JSONText, nullable=True)
    idempotency_key = Column(String(255), nullable=True)
    created_at = Column(UTCDateTime, nullable=False)


class Quote(Base):
    __tablename__ = "quotes"
    id = Column(String(36), primary_key=True)
    wallet_id = Column(Integer, ForeignKey("wallets.id"), nullable=False)
    incoming_payment_id = Column(String(36), ForeignKey("incoming_payments.id"), nullable=False)
    debit_amount = Column(BigInteger, nullable=False)
    receive_amount = Column(BigInteger, nullable=False)
    expires_at = Column(UTCDateTime, nullable=False)
    created_at = Column(UTCDateTime, nullable=False)


class OutgoingPayment(Base):
    __tablename__ = "outgoing_payments"
    __table_args__ = (UniqueConstraint("wallet_id", "idempotency_key"),)
    id = Column(String(36), primary_key=True)
    wallet_id = Column(Integer, ForeignKey("wallets.id"), nullable=False)
    grant_id = Column(String(36), ForeignKey("grants.id"), nullable=False)
    quote_id = Column(String(36), ForeignKey("quotes.id"), nullable=False, unique=True)
    incoming_payment_id = Column(String(36), ForeignKey("incoming_payments.id"), nullable=False)
    debit_amount = Column(BigInteger, nullable=False)
    receive_amount = Column(BigInteger, nullable=False)
    meta = Column(JSONText, nullable=True)
    idempotency_key = Column(String(255), nullable=True)
    created_at = Column(UTCDateTime, nullable=False)


def open_ledger(db_path: str) -> sessionmaker:
    engine = create_engine(f"sqlite:///{db_path}", future=True,
                           connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    Base.metadata.create_all(engine)  # the sandbox's own ledger, not the product schema
    return sessionmaker(bind=engine, future=True, expire_on_commit=False)


def debit(session: Session, wallet: Wallet, amount: int) -> bool:
    """Take `amount` from the wallet if it holds that much; False (and no change) otherwise."""
    result = session.execute(update(Wallet).where(Wallet.id == wallet.id, Wallet.balance >= amount)
                             .values(balance=Wallet.balance - amount))
    return result.rowcount == 1


def credit(session: Session, wallet: Wallet, amount: int) -> None:
    session.execute(update(Wallet).where(Wallet.id == wallet.id).values(balance=Wallet.balance + amount))
