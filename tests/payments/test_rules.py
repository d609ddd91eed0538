"""The client's own rules: finish hash, intervals, wallet addresses, keys, host mapping."""

from __future__ import annotations

import base64
import datetime
import hashlib
import stat

import pytest
from hypothesis import given, strategies as st

from sandbox.openpayments import intervals as provider_intervals
from stokvel.payments import (
    InvalidWalletAddress, finish_hash, load_or_create_private_key, parse_repeating_interval,
    public_jwk, repeating_interval, verify_finish_hash, wallet_address_url,
)
from stokvel.payments.client import grant_endpoint
from stokvel.payments.transport import Transport, parse_host_map

UTC = datetime.timezone.utc
NONCES = ("client-nonce-1", "interact-nonce-2", "ref-3", "https://auth.wallet.example/")


def test_finish_hash_matches_the_gnap_definition():
    digest = hashlib.sha256("\n".join(NONCES).encode()).digest()
    assert finish_hash(*NONCES) == base64.b64encode(digest).decode()


def test_finish_hash_accepts_padded_base64_and_unpadded_base64url():
    standard = finish_hash(*NONCES)
    url_safe = base64.urlsafe_b64encode(base64.b64decode(standard)).decode().rstrip("=")
    assert standard.endswith("=") and standard != url_safe
    assert verify_finish_hash(*NONCES, standard)
    assert verify_finish_hash(*NONCES, url_safe)


@pytest.mark.parametrize("field", range(4))
def test_finish_hash_rejects_any_other_input(field):
    altered = list(NONCES)
    altered[field] += "x"
    assert not verify_finish_hash(*altered, finish_hash(*NONCES))


@pytest.mark.parametrize("received", [None, "", "not base64!", "AAAA", finish_hash(*NONCES)[:-4]])
def test_finish_hash_rejects_garbage(received):
    assert not verify_finish_hash(*NONCES, received)


def test_grant_endpoint_is_spelled_as_the_server_hashes_it():
    assert grant_endpoint("https://auth.wallet.example") == "https://auth.wallet.example/"
    assert grant_endpoint("http://localhost:4000/auth") == "http://localhost:4000/auth"


def _utc(*args):
    return datetime.datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize("containing", [parse_repeating_interval, None])
def test_monthly_interval_from_31_january_is_calendar_correct(containing):
    text = "R/2026-01-31T00:00:00Z/P1M"
    window = (lambda at: parse_repeating_interval(text).containing(at)) if containing else \
        (lambda at: provider_intervals.containing(text, at))
    assert window(_utc(2026, 2, 27)) == (_utc(2026, 1, 31), _utc(2026, 2, 28))  # not 2 March
    assert window(_utc(2026, 3, 1)) == (_utc(2026, 2, 28), _utc(2026, 3, 31))  # not 28 March
    assert window(_utc(2026, 4, 15)) == (_utc(2026, 3, 31), _utc(2026, 4, 30))
    assert window(_utc(2028, 2, 29, 12)) == (_utc(2028, 2, 29), _utc(2028, 3, 31))  # leap year
    assert window(_utc(2026, 1, 30)) is None


def test_repetitions_bound_the_intervals():
    grant = parse_repeating_interval("R2/2026-01-01T00:00:00Z/P1M")  # the first + 2 repeats
    assert grant.containing(_utc(2026, 3, 31, 23)) == (_utc(2026, 3, 1), _utc(2026, 4, 1))
    assert grant.containing(_utc(2026, 4, 1)) is None
    assert provider_intervals.containing("R2/2026-01-01T00:00:00Z/P1M", _utc(2026, 4, 1)) is None


@given(st.datetimes(min_value=datetime.datetime(2026, 1, 31), max_value=datetime.datetime(2040, 1, 1)))
def test_every_moment_falls_in_exactly_the_interval_both_sides_compute(moment):
    moment = moment.replace(tzinfo=UTC)
    start, end = parse_repeating_interval("R/2026-01-31T00:00:00Z/P1M").containing(moment)
    assert start <= moment < end and start.day in (28, 29, 30, 31)
    assert provider_intervals.containing("R/2026-01-31T00:00:00Z/P1M", moment) == (start, end)


def test_interval_strings():
    assert repeating_interval(_utc(2026, 1, 31, 6, 30)) == "R/2026-01-31T06:30:00Z/P1M"
    assert repeating_interval(_utc(2026, 1, 1), "P1W", repetitions=11) == "R11/2026-01-01T00:00:00Z/P1W"
    for bad in ("P1M", "R/2026-01-01/P0D", "R/notadate/P1M", "R-5/2026-01-01T00:00:00Z/P1M", ""):
        with pytest.raises(ValueError):
            parse_repeating_interval(bad)


@pytest.mark.parametrize("typed, url", [
    ("$ilp.wallet.example/thandi", "https://ilp.wallet.example/thandi"),
    ("  https://ILP.Wallet.example/thandi/ ", "https://ilp.wallet.example/thandi"),
    ("ilp.wallet.example/thandi", "https://ilp.wallet.example/thandi"),
    ("http://localhost:4000/thandi", "http://localhost:4000/thandi"),
    ("$wallet.example", "https://wallet.example/.well-known/pay"),
])
def test_wallet_address_spellings(typed, url):
    assert wallet_address_url(typed) == url


@pytest.mark.parametrize("typed", ["", "thandi", "R500", "$", "https://wallet.example/a?b=c", "mailto:x@y"])
def test_what_is_not_a_wallet_address_gets_plain_words(typed):
    with pytest.raises(InvalidWalletAddress) as error:
        wallet_address_url(typed)
    assert "wallet address" in error.value.message


def test_host_map_reaches_local_providers_behind_https_identifiers():
    transport = Transport(host_map=parse_host_map(
        "https://wallet.example=http://localhost:3000, https://auth.wallet.example=http://localhost:3006"))
    assert transport.local_url("https://wallet.example/alice") == "http://localhost:3000/alice"
    assert transport.local_url("https://auth.wallet.example/") == "http://localhost:3006/"
    assert transport.local_url("https://wallet.example.evil/x") == "https://wallet.example.evil/x"
    with pytest.raises(ValueError):
        parse_host_map("https://wallet.example")


def test_platform_key_is_created_once_private_and_published_as_jwk(tmp_path):
    path = tmp_path / "secrets" / "platform.pem"
    key = load_or_create_private_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = load_or_create_private_key(path)
    jwk = public_jwk(key, "k1")
    assert public_jwk(again, "k1") == jwk
    assert jwk["kty"] == "OKP" and jwk["crv"] == "Ed25519" and jwk["alg"] == "EdDSA" and len(jwk["x"]) == 43
