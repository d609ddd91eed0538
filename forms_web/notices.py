"""What the web forms tell members on WhatsApp, in one place. Sent after the database
commit, so a message never announces something that was rolled back."""

from __future__ import annotations

from typing import Iterable

from stokvel.links import make_link
from stokvel.notify import send_whatsapp


def welcome(number: str, name: str) -> None:
    send_whatsapp(
        number,
        f"Welcome to DigiStokvel, {name}! You are registered. Say 'create a stokvel' to start "
        "one, 'join a stokvel' to join one, or 'help' to see everything I can do.",
    )


def send_all(notices: Iterable) -> None:
    """Domain-core notices (objects with .number and .text)."""
    for notice in notices:
        send_whatsapp(notice.number, notice.text)


def contribution_authorised(number: str, stokvel_name: str) -> None:
    send_whatsapp(
        number,
        f"Your contribution to {stokvel_name} is authorised, and you are now an active member. "
        "We collect each contribution on its due date; say 'payout schedule' to see your turn.",
    )


def application_received(admin_numbers: Iterable[str], applicant: str, stokvel_name: str,
                         stokvel_id: int) -> None:
    for number in admin_numbers:
        send_whatsapp(
            number,
            f"{applicant} has applied to join {stokvel_name}. Approve or decline here (link "
            f"valid 15 minutes): {make_link(number, 'approvals', stokvel_id=stokvel_id)} — "
            "or say 'pending applications' any time.",
        )


def application_approved(number: str, stokvel_name: str, stokvel_id: int) -> None:
    send_whatsapp(
        number,
        f"Good news: you were accepted into {stokvel_name}! Last step: authorise your "
        f"contribution at your wallet: {make_link(number, 'authorise', stokvel_id=stokvel_id)} "
        "(link valid 15 minutes; say 'join a stokvel' for a new one).",
    )


def application_declined(number: str, stokvel_name: str, reason: str | None) -> None:
    because = f" The admin said: {reason.strip()}" if reason and reason.strip() else ""
    send_whatsapp(number, f"Sorry, your application to join {stokvel_name} was declined.{because}")
