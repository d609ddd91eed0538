"""Everything that must be refused: expired, reused or forged links, forms without a CSRF
token, non-admins on admin pages, and grant callbacks that do not verify. Over plain
HTTP against the real forms process."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select

from stokvel.db import session_scope
from stokvel.links import make_link, make_token
from stokvel.models import Application, Member, Membership, PaymentGrant
from ops import demo
from tests.web.links_helpers import clock_shifted


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)


def _claim(url: str) -> tuple[requests.Session, requests.Response]:
    """Open a personal link like a browser: GET the landing page, POST its form."""
    client = requests.Session()
    landing = client.get(url, timeout=10)
    return client, client.post(url, data={"csrf_token": _csrf(landing.text)}, timeout=10)


def _signed_in(url: str) -> requests.Session:
    client, response = _claim(url)
    assert response.status_code == 200, response.text
    return client


def test_session_cookie_is_httponly_and_samesite_lax(stack):
    _, response = _claim(make_link("+27821660001", "register"))
    cookie = response.history[0].headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_pages_need_a_session(stack):
    response = requests.get(f"{stack.forms}/register", timeout=10)
    assert response.status_code == 401
    assert "personal link" in response.text


def test_an_expired_link_is_refused(stack):
    with clock_shifted(-16 * 60):  # signed 16 minutes ago
        url = make_link("+27821660002", "register")
    client = requests.Session()
    landing = client.get(url, timeout=10)
    assert landing.status_code == 403 and "expired" in landing.text
    # Claiming it with a good CSRF token (from another link's page) is refused too.
    token = _csrf(client.get(make_link("+27821660002", "register"), timeout=10).text)
    claimed = client.post(url, data={"csrf_token": token}, timeout=10)
    assert claimed.status_code == 403 and "expired" in claimed.text
    assert client.get(f"{stack.forms}/register", timeout=10).status_code == 401


def test_a_used_link_is_refused(stack):
    url = make_link("+27821660003", "register")
    _signed_in(url)
    client = requests.Session()
    landing = client.get(url, timeout=10)
    assert landing.status_code == 403 and "already been used" in landing.text
    token = _csrf(client.get(make_link("+27821660003", "register"), timeout=10).text)
    again = client.post(url, data={"csrf_token": token}, timeout=10)
    assert again.status_code == 403 and "already been used" in again.text


@pytest.mark.parametrize("forge", ["other_key", "tampered"])
def test_a_forged_link_is_refused(stack, forge):
    if forge == "other_key":
        token = URLSafeTimedSerializer("guessed", salt="digistokvel.personal-link.v1").dumps(
            {"n": "+27821660004", "p": "register", "j": "a" * 32, "x": {}})
    else:
        token = make_token("+27821660004", "register")
        token = token[:-3] + ("xyz" if not token.endswith("xyz") else "abc")
    response = requests.get(f"{stack.forms}/l/{token}", timeout=10)
    assert response.status_code == 403 and "not valid" in response.text


def test_posts_without_a_csrf_token_are_refused_and_change_nothing(stack):
    # Claiming a link: refused, and the link is not used up.
    url = make_link("+27821660005", "register")
    refused = requests.post(url, timeout=10)
    assert refused.status_code == 400 and "nothing was saved" in refused.text
    client = _signed_in(url)
    # Registering with a session but no token.
    wallet = stack.wallet("csrf-test")
    response = client.post(f"{stack.forms}/register", data={
        "name": "No", "surname": "Token", "wallet_address": wallet, "language": "en",
        "consent": "y", "action": "register"}, timeout=10)
    assert response.status_code == 400
    with session_scope() as session:
        assert session.execute(select(Member).where(Member.number == "+27821660005")).first() is None


def test_non_admins_are_refused_admin_pages_and_actions(stack):
    admin = demo.member(stack, "+27821660006", "Admin")
    applicant = demo.member(stack, "+27821660007", "Applicant")
    outsider = demo.member(stack, "+27821660008", "Outsider")
    stokvel_id = demo.stokvel(admin, "Admins Only")
    application_id = demo.application(applicant, stokvel_id)

    client = _signed_in(make_link(outsider, "profile"))
    for page in ("approvals", "settings"):
        response = client.get(f"{stack.forms}/stokvels/{stokvel_id}/{page}", timeout=10)
        assert response.status_code == 403 and "Only an admin of Admins Only" in response.text
    token = _csrf(client.get(f"{stack.forms}/profile", timeout=10).text)
    response = client.post(
        f"{stack.forms}/stokvels/{stokvel_id}/applications/{application_id}/approve",
        data={"csrf_token": token}, timeout=10)
    assert response.status_code == 403
    # Without a token the admin's own decision is refused too.
    admin_client = _signed_in(make_link(admin, "approvals", stokvel_id=stokvel_id))
    response = admin_client.post(
        f"{stack.forms}/stokvels/{stokvel_id}/applications/{application_id}/approve", timeout=10)
    assert response.status_code == 400
    with session_scope() as session:
        assert session.get(Application, application_id).status == "pending"


def _grant_state(stokvel_id: int) -> tuple[str, list[str]]:
    with session_scope() as session:
        membership = session.execute(select(Membership).where(
            Membership.stokvel_id == stokvel_id)).scalar_one()
        return membership.status, list(session.execute(select(PaymentGrant.status).where(
            PaymentGrant.stokvel_id == stokvel_id)).scalars())


def test_grant_callbacks_that_do_not_verify_change_nothing(stack):
    number = demo.member(stack, "+27821660009", "Callback")
    stokvel_id = demo.stokvel(number, "Finish Line")
    client = _signed_in(make_link(number, "authorise", stokvel_id=stokvel_id))
    page = client.get(f"{stack.forms}/stokvels/{stokvel_id}/authorise", timeout=10)
    to_wallet = client.post(f"{stack.forms}/stokvels/{stokvel_id}/authorise",
                            data={"csrf_token": _csrf(page.text)}, allow_redirects=False, timeout=10)
    approved = requests.post(to_wallet.headers["Location"], data={"decision": "accept"},
                             allow_redirects=False, timeout=10)
    finish = approved.headers["Location"]
    base, query = finish.split("?", 1)
    genuine = {k: v[0] for k, v in parse_qs(query).items()}
    assert urlsplit(finish).path == "/grants/finish" and {"hash", "interact_ref", "grant"} <= set(genuine)

    forged = [
        ({**genuine, "hash": genuine["hash"][:-4] + "AAA="}, 400, "could not verify"),
        ({**genuine, "interact_ref": "someone-elses-ref"}, 400, "could not verify"),
        ({k: v for k, v in genuine.items() if k != "hash"}, 400, "could not verify"),
        ({**genuine, "grant": "not-a-number"}, 400, "nothing was changed"),
        ({**genuine, "grant": "99999"}, 404, "could not find"),
    ]
    for params, status, words in forged:
        response = requests.get(f"{base}?{urlencode(params)}", timeout=10)
        assert (response.status_code, words in response.text) == (status, True), params
        assert _grant_state(stokvel_id) == ("awaiting_grant", ["pending"])

    assert requests.get(finish, timeout=15).status_code == 200
    assert _grant_state(stokvel_id) == ("active", ["active"])
    replay = requests.get(finish, timeout=10)
    assert replay.status_code == 409 and "already active" in replay.text


def test_what_members_typed_is_shown_escaped(stack):
    admin = demo.member(stack, "+27821660010", "Escaper")
    applicant = demo.member(stack, "+27821660011", "<script>alert(1)</script>")
    stokvel_id = demo.stokvel(admin, "<b>Bold</b> Club")
    demo.application(applicant, stokvel_id)
    client = _signed_in(make_link(admin, "approvals", stokvel_id=stokvel_id))
    page = client.get(f"{stack.forms}/stokvels/{stokvel_id}/approvals", timeout=10).text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Test" in page and "<script>" not in page
    assert "&lt;b&gt;Bold&lt;/b&gt; Club" in page and "<b>Bold" not in page
