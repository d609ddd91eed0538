"""Messaging tables: who wrote to us when (the 24-hour window and de-duplication), the
numbered menu each member was last shown, and every outbound message with its status.

Created by migrations/versions/0002_messaging.py.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, Integer, String, Text

from stokvel.db import Base


class InboundMessage(Base):
    """One row per Twilio MessageSid we accepted: a retried webhook finds its row and stops."""

    __tablename__ = "whatsapp_inbound"

    message_sid = Column(String(64), primary_key=True)
    number = Column(String(20), nullable=False, index=True)
    received_at = Column(DateTime(timezone=True), nullable=False)


class Contact(Base):
    """A member's messaging state, keyed by E.164 number."""

    __tablename__ = "whatsapp_contacts"

    number = Column(String(20), primary_key=True)
    last_inbound_at = Column(DateTime(timezone=True), nullable=True)
    # The buttons of the last numbered list sent: [{"title": ..., "payload": ...}, ...].
    menu = Column(JSON, nullable=True)


class OutboundMessage(Base):
    """Every message we asked Twilio to send, and the furthest status Twilio reported."""

    __tablename__ = "whatsapp_outbound"

    id = Column(Integer, primary_key=True, autoincrement=True)
    sid = Column(String(64), unique=True, nullable=True)  # None until Twilio accepted it
    number = Column(String(20), nullable=False, index=True)
    body = Column(Text, nullable=True)
    content_sid = Column(String(34), nullable=True)
    content_variables = Column(Text, nullable=True)
    status = Column(String(20), nullable=False)
    error_code = Column(Integer, nullable=True)
    error_message = Column(Text, nullable=True)
    created_at = Column(DateTime(timezone=True), nullable=False)
    updated_at = Column(DateTime(timezone=True), nullable=False)
