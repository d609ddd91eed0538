"""stokvel.links: signed, expiring, single-use personal links."""

from __future__ import annotations

import pytest
from itsdangerous import URLSafeTimedSerializer

from stokvel.db import session_scope
from stokvel.links import (
    LinkExpired, LinkInvalid, LinkUsed, UsedLinkToken, claim_link, make_link, make_token, peek_link,
    read_link,
)
from tests.web.links_helpers import clock_shifted

NUMBER = "+27821234567"


@pytest.fixture(autouse=True)
def _env(test_env):
    """Settings and a migrated database (no servers needed here)."""


def test_link_is_an_absolute_url_on_the_forms_site_and_names_the_member(test_env):
    url = make_link("082 123 4567", "statement", stokvel_id=7)
    base, token = url.rsplit("/l/", 1)
    assert base == f"http://127.0.0.1:{test_env[1]['forms']}"
    claims = claim_link(token)
    assert (claims.number, claims.purpose, claims.params) == (NUMBER, "statement", {"stokvel_id": 7})


def test_a_link_works_once():
    token = make_token(NUMBER, "register")
    assert peek_link(token).number == NUMBER  # looking does not use it up
    claim_link(token)
    with pytest.raises(LinkUsed):
        peek_link(token)
    with pytest.raises(LinkUsed) as refused:
        claim_link(token)
    assert "already been used" in refused.value.message
    with session_scope() as session:
        assert session.get(UsedLinkToken, read_link(token).token_id).number == NUMBER


def test_two_links_for_the_same_member_are_independent():
    first, second = make_token(NUMBER, "profile"), make_token(NUMBER, "profile")
    assert first != second
    claim_link(first)
    assert claim_link(second).purpose == "profile"


def test_a_link_expires_after_the_ttl():
    token = make_token(NUMBER, "register")
    with clock_shifted(899):
        assert read_link(token).number == NUMBER
    with clock_shifted(901), pytest.raises(LinkExpired) as refused:
        claim_link(token)
    assert "expired" in refused.value.message
    # Refused links are not recorded as used.
    with session_scope() as session:
        assert session.get(UsedLinkToken, read_link(token).token_id) is None


def test_a_link_signed_with_another_key_is_refused():
    forged = URLSafeTimedSerializer("not-our-key", salt="digistokvel.personal-link.v1").dumps(
        {"n": NUMBER, "p": "approvals", "j": "f" * 32, "x": {"stokvel_id": 1}})
    with pytest.raises(LinkInvalid):
        claim_link(forged)


def test_a_tampered_link_is_refused():
    token = make_token(NUMBER, "register")
    _, rest = token.split(".", 1)
    other = make_token("+27829999999", "register").split(".", 1)[0]
    with pytest.raises(LinkInvalid):
        claim_link(f"{other}.{rest}")
    with pytest.raises(LinkInvalid):
        claim_link(token[:-2] + ("AA" if token[-2:] != "AA" else "BB"))


def test_links_are_only_made_for_known_purposes_with_their_parameters():
    with pytest.raises(ValueError):
        make_token(NUMBER, "transfer_all_money")
    with pytest.raises(ValueError, match="stokvel_id"):
        make_token(NUMBER, "approvals")
