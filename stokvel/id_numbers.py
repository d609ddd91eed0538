"""A member's optional South African ID number (YYMMDD SSSS C A Z), collected at
registration. python-stdnum checks its length, date of birth, citizenship digit and Luhn
check digit; we add that a date of birth cannot lie in the future. The domain has no
other use for it, so it lives beside the member, and is only ever shown again masked.
"""

from __future__ import annotations

from datetime import date
from typing import Optional

from sqlalchemy import Column, ForeignKey, Integer, String
from sqlalchemy.orm import Session
from stdnum.exceptions import InvalidChecksum, InvalidComponent, ValidationError
from stdnum.za import idnr

from stokvel.db import Base

WRONG_SHAPE = "An ID number has exactly 13 digits."
NOT_A_BIRTH_DATE = "The first six digits must be a real date of birth (YYMMDD)."
WRONG_CHECK = "This ID number is not valid: please check each digit."


class MemberIdNumber(Base):
    __tablename__ = "member_id_numbers"

    member_id = Column(Integer, ForeignKey("members.id"), primary_key=True)
    id_number = Column(String(13), nullable=False)


def id_number_problem(text: str, today: Optional[date] = None) -> Optional[str]:
    """Plain words for what is wrong with an ID number, or None when it is valid."""
    try:
        number = idnr.validate(text)
    except InvalidChecksum:
        return WRONG_CHECK
    except InvalidComponent:
        # stdnum says "component" for both the date and the citizenship digit.
        return NOT_A_BIRTH_DATE if _birth_date_invalid(text) else WRONG_CHECK
    except ValidationError:
        return WRONG_SHAPE
    if idnr.get_birth_date(number) > (today or date.today()):
        return NOT_A_BIRTH_DATE
    return None


def _birth_date_invalid(text: str) -> bool:
    try:
        idnr.get_birth_date(text)
    except ValidationError:
        return True
    return False


def mask_id_number(digits: str) -> str:
    """Only the last four digits, so a screen never shows a date of birth again."""
    return "•" * (len(digits) - 4) + digits[-4:]


def save_id_number(session: Session, member_id: int, id_number: str) -> None:
    row = session.get(MemberIdNumber, member_id) or MemberIdNumber(member_id=member_id)
    row.id_number = idnr.compact(id_number)
    session.add(row)


def masked_id_number(session: Session, member_id: int) -> str | None:
    row = session.get(MemberIdNumber, member_id)
    return mask_id_number(row.id_number) if row else None
