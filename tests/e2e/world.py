"""What the people in the end-to-end scenario do, through the running product only: they
write to the bot on the Twilio sandbox, open the links it sends in a real browser, approve
or reject at their wallets on the payment sandbox, and the operator runs the scheduler's
own sweep command. The test never calls product code to act; it reads the database only to
check the end result.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import date

import requests
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from ops.devstack import open_link
from ops.stack import ROOT, LocalStack
from stokvel.models import LedgerEntry, Member, Stokvel

LINK = re.compile(r"(http://\S+/l/[\w.\-]+)")
REPLY_SECONDS = 90


@dataclass
class Person:
    name: str
    number: str
    wallet: str  # the wallet's name at the payment sandbox
    seen: int = 0  # how many of the WhatsApp messages sent to them the scenario has checked
    received: list[str] = field(default_factory=list)


class World:
    """The stack, seen from outside: WhatsApp, wallets, the browser, the operator."""

    def __init__(self, stack: LocalStack, page) -> None:
        self.stack, self.page = stack, page
        self.payments = stack.url("payments")

    # --- WhatsApp ---------------------------------------------------------------------------
    def _inbox(self, person: Person) -> list[str]:
        return [m["body"] for m in self.stack.replies(person.number)]

    def expect(self, person: Person, *patterns: str, timeout: float = REPLY_SECONDS) -> list[str]:
        """The next len(patterns) messages to `person`, in any order, one matching each regex
        pattern; nothing else may have been sent to them meanwhile."""
        deadline = time.monotonic() + timeout
        while True:
            new = self._inbox(person)[person.seen:]
            if len(new) >= len(patterns) or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert len(new) >= len(patterns), (
            f"{person.name} should have got {len(patterns)} message(s) matching {patterns}; "
            f"got {new}. The stack's latest output:\n{''.join(self.stack.output[-40:])}")
        new = new[:len(patterns)]
        unmatched = list(new)
        for pattern in patterns:
            found = next((m for m in unmatched if re.search(pattern, m, re.S)), None)
            assert found is not None, f"no message to {person.name} matches {pattern!r}; got {new}"
            unmatched.remove(found)
        person.seen += len(new)
        person.received += new
        return new

    def says(self, person: Person, text: str, *replies: str) -> list[str]:
        """`person` writes `text` on WhatsApp; the bot answers with `replies` (regexes)."""
        assert self._inbox(person)[person.seen:] == [], f"{person.name} has unchecked messages"
        self.stack.say(person.number, text)
        return self.expect(person, *replies)

    def nothing_more_for(self, person: Person) -> None:
        everything = self._inbox(person)
        assert everything[person.seen:] == [], (
            f"{person.name} got messages the scenario did not expect: {everything[person.seen:]}")
        assert everything == person.received, f"{person.name}'s messages changed after the fact"

    # --- wallets at the payment sandbox -------------------------------------------------------
    def admin(self, method: str, path: str, **kwargs) -> dict:
        answer = requests.request(method, f"{self.payments}/admin{path}", timeout=10, **kwargs)
        answer.raise_for_status()
        return answer.json() if answer.content else {}

    def open_wallet(self, name: str, balance: int) -> str:
        return self.admin("POST", "/wallets", json={
            "name": name, "asset_code": "ZAR", "asset_scale": 2, "balance": balance})["wallet_address"]

    def balance(self, wallet: str) -> int:
        return self.admin("GET", f"/wallets/{wallet}")["balance"]

    def top_up(self, wallet: str, minor: int) -> None:
        self.admin("PUT", f"/wallets/{wallet}/balance", json={"balance": self.balance(wallet) + minor})

    # --- the operator -------------------------------------------------------------------------
    def run_sweep(self, day: date) -> str:
        """The scheduler's own command for `day`, with the provider's clock at the sweep's
        hour that day (06:00 in Johannesburg)."""
        self.admin("POST", "/clock", json={"now": f"{day.isoformat()}T04:00:00+00:00"})
        done = subprocess.run(
            [sys.executable, "-m", "scheduler", "sweep", "--date", day.isoformat()],
            cwd=ROOT, env=self.stack.env, capture_output=True, text=True, timeout=180)
        assert done.returncode in (0, 1), f"the sweep of {day} crashed:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    # --- the database, read at the end ---------------------------------------------------------
    def ledger(self, stokvel_name: str) -> list[tuple[str, str, str, int, str | None]]:
        """(kind, member's name, status, amount, period) of each of the stokvel's ledger
        rows, oldest first."""
        engine = create_engine(self.stack.env["DATABASE_URL"], future=True)
        try:
            with Session(engine, future=True) as session:
                rows = session.execute(
                    select(LedgerEntry, Member.name)
                    .join(Stokvel, LedgerEntry.stokvel_id == Stokvel.id)
                    .outerjoin(Member, LedgerEntry.member_id == Member.id)
                    .where(Stokvel.name == stokvel_name)
                    .order_by(LedgerEntry.id)).all()
                return [(e.kind, name, e.status, e.amount_minor, e.period.isoformat() if e.period else None)
                        for e, name in rows]
        finally:
            engine.dispose()


def link_in(message: str) -> str:
    found = LINK.search(message)
    assert found, f"no personal link in {message!r}"
    return found.group(1)


# --- what people do in the browser ------------------------------------------------------------

def register_in_browser(world: World, person: Person, link: str, surname: str, language: str) -> None:
    page = world.page
    open_link(page, link)
    page.get_by_label("First name").fill(person.name)
    page.get_by_label("Surname").fill(surname)
    page.get_by_label("Open Payments wallet address").fill(f"{world.payments}/{person.wallet}")
    page.get_by_label("Preferred language").select_option(language)
    page.get_by_label("I agree to the DigiStokvel terms", exact=False).check()
    page.get_by_role("button", name="Register").click()
    page.get_by_role("heading", name=f"Welcome, {person.name}!").wait_for()


def create_stokvel_in_browser(world: World, link: str, name: str, pot_wallet: str, start: date,
                              max_members: int, contribution: str, penalty: str) -> None:
    page = world.page
    open_link(page, link)
    for label, value in {"Stokvel name": name, "The stokvel's wallet address (where the pot is kept)":
                         f"{world.payments}/{pot_wallet}", "Contribution per member": contribution,
                         "First payment date": start.isoformat(),
                         "Maximum number of members": str(max_members),
                         "Penalty for paying late (optional)": penalty,
                         "Days late before the penalty": "0"}.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("How often members pay", exact=True).select_option("monthly")
    page.get_by_role("button", name="Preview").click()
    page.get_by_role("button", name="Confirm and create").click()
    # The pot first: the platform may pay payouts out of the stokvel's wallet.
    page.get_by_role("heading", name="Allow payouts from the pot").wait_for()
    page.get_by_role("button", name="Go to the stokvel's wallet to approve").click()
    page.get_by_role("button", name="Accept").click()
    page.get_by_role("heading", name="Payouts authorised").wait_for()
    page.get_by_role("link", name="Next: authorise your own contribution").click()


def authorise_on_consent_page(world: World, link: str | None, *, accept: bool = True) -> None:
    """From the authorise page (opened from `link`, or already open) to the wallet's
    consent page, and Accept or Reject there."""
    page = world.page
    if link:
        open_link(page, link)
    page.get_by_role("heading", name="Authorise your contribution").wait_for()
    page.get_by_role("button", name="Go to my wallet to approve").click()
    assert page.url.startswith(world.payments), "the consent page is at the member's wallet"
    page.get_by_role("button", name="Accept" if accept else "Reject").click()
    page.get_by_role("heading", name="All set" if accept else "Not authorised").wait_for()


def join_with_code_on_web(world: World, link: str, code: str) -> None:
    page = world.page
    open_link(page, link)
    page.get_by_label("Invite code").fill(code)
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Apply to join").click()
    page.get_by_role("heading", name="Application sent").wait_for()


def approve_on_web(world: World, link: str, approve: list[str], decline: dict[str, str]) -> None:
    """The admin opens the approvals page and decides each application by applicant name;
    `decline` maps a name to the reason given."""
    page = world.page
    open_link(page, link)
    for name in [*approve, *decline]:
        card = page.locator("[id^=application-]", has_text=name)
        if name in decline:
            card.get_by_label("Reason, if you decline (optional)").fill(decline[name])
            card.get_by_role("button", name="Decline").click()
            page.locator(".notice", has_text=f"{name}").wait_for()
        else:
            card.get_by_role("button", name="Approve").click()
            page.locator(".notice", has_text=f"{name}").wait_for()
