"""Stokvels: creating one (its creator is the first admin) and finding them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from stokvel.errors import AlreadyExists, InvalidInput, NotFound
from stokvel.models import Membership, Stokvel
from stokvel.payments.wallet import wallet_address_url
from stokvel.services import constitution as rules, members

MAX_NAME = 60
MAX_RETRIES_LIMIT = 10


def name_key(name: str) -> str:
    """Names are unique ignoring case and spacing: "Mamelodi  savers" == "mamelodi Savers"."""
    return " ".join(name.split()).casefold()


def _clean_name(name: str | None) -> str:
    cleaned = " ".join((name or "").split())
    if not cleaned:
        raise InvalidInput("Please give the stokvel a name.")
    if len(cleaned) > MAX_NAME:
        raise InvalidInput(f"The stokvel's name is too long ({MAX_NAME} characters at most).")
    return cleaned


def get(session: Session, stokvel_id: int) -> Stokvel:
    stokvel = session.get(Stokvel, stokvel_id) if stokvel_id is not None else None
    if stokvel is None:
        raise NotFound("I could not find that stokvel.")
    return stokvel


def find_by_name(session: Session, name: str) -> Stokvel | None:
    return session.execute(
        select(Stokvel).where(Stokvel.name_key == name_key(name or ""))
    ).scalar_one_or_none()


def get_by_name(session: Session, name: str) -> Stokvel:
    stokvel = find_by_name(session, name)
    if stokvel is None:
        raise NotFound(f"I could not find a stokvel called '{name}'.")
    return stokvel


def listed(session: Session) -> list[Stokvel]:
    """Stokvels anyone may apply to by name."""
    return list(session.execute(
        select(Stokvel).where(Stokvel.listed.is_(True), Stokvel.status == "active").order_by(Stokvel.name)
    ).scalars())


def _retries(value) -> int:
    try:
        retries = int(value)
    except (TypeError, ValueError):
        raise InvalidInput("The number of collection retries must be a whole number.") from None
    if not 0 <= retries <= MAX_RETRIES_LIMIT:
        raise InvalidInput(f"Collection retries must be between 0 and {MAX_RETRIES_LIMIT}.")
    return retries


def create(session: Session, creator_number: str, constitution: dict) -> Stokvel:
    """Create a stokvel from its constitution. Keys: name, kind, contribution ("R500" or
    Money), contribution_frequency, start_date, end_date, payout_frequency, max_members,
    payout_order, late_penalty, grace_days, rules_text; and optionally wallet_address,
    max_collection_retries, listed. The creator becomes its first admin, awaiting their
    contribution grant like any member."""
    creator = members.get_by_number(session, creator_number)
    name = _clean_name(constitution.get("name"))
    values = rules.check_rules(rules.parse_fields(constitution))
    wallet = constitution.get("wallet_address")
    stokvel = Stokvel(
        name=name,
        name_key=name_key(name),
        wallet_address=wallet_address_url(wallet) if wallet else None,
        max_collection_retries=_retries(constitution.get("max_collection_retries", 3)),
        listed=bool(constitution.get("listed", True)),
        status="active",
        created_by_id=creator.id,
    )
    if find_by_name(session, name) is not None:
        raise AlreadyExists(f"There is already a stokvel called '{name}'. Please choose another name.")
    session.add(stokvel)
    session.flush()
    rules.create_first(session, stokvel, values, creator)
    session.add(Membership(stokvel_id=stokvel.id, member_id=creator.id, role="admin",
                           status="awaiting_grant"))
    session.flush()
    return stokvel


def update_settings(session: Session, stokvel_id: int, by_number: str, *, name: str | None = None,
                    wallet_address: str | None = None, max_collection_retries: int | None = None,
                    listed: bool | None = None) -> Stokvel:
    """Admin settings that are not part of the versioned rules: name, wallet, retries, listing."""
    from stokvel.services import roles

    roles.require_admin(session, stokvel_id, by_number)
    stokvel = get(session, stokvel_id)
    changes = {}
    if name is not None:
        cleaned = _clean_name(name)
        other = find_by_name(session, cleaned)
        if other is not None and other.id != stokvel.id:
            raise AlreadyExists(f"There is already a stokvel called '{cleaned}'. Please choose another name.")
        changes.update(name=cleaned, name_key=name_key(cleaned))
    if wallet_address is not None:
        changes["wallet_address"] = wallet_address_url(wallet_address)
    if max_collection_retries is not None:
        changes["max_collection_retries"] = _retries(max_collection_retries)
    if listed is not None:
        changes["listed"] = bool(listed)
    for key, value in changes.items():
        setattr(stokvel, key, value)
    session.flush()
    return stokvel
