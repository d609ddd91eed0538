"""Screenshots of every page at a 360-px phone width: `python -m ops.screenshots
[--out screenshots]`. Runs its own throwaway stack (ops.devstack) with demo data,
so it needs nothing running and touches no real database."""

from __future__ import annotations

import argparse
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from ops import demo
from ops.devstack import PHONE, ROOT, chromium, local_servers, local_settings, open_link
from stokvel.db import session_scope
from stokvel.links import make_link
from stokvel.services import invites


def take(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp, local_settings(Path(tmp)) as ports, \
            local_servers(Path(tmp), ports) as stack, chromium() as browser:
        page = browser.new_context(viewport=PHONE).new_page()

        def shot(name: str) -> None:
            path = out / f"{len(saved) + 1:02d}-{name}.png"
            page.screenshot(path=str(path), full_page=True)
            saved.append(path)

        admin = demo.member(stack, "+27821000001", "Lerato")
        applicant = demo.member(stack, "+27821000002", "Sipho")
        stokvel_id = demo.stokvel(admin, "Mamelodi Savers", rules_text="Meetings on the last Sunday.")
        with session_scope() as session:
            code = invites.create_code(session, stokvel_id, admin).code

        page.goto(make_link("+27821000003", "register"))
        shot("link")
        page.get_by_role("button", name="Continue").click()
        shot("register")
        page.get_by_label("First name").fill("Thandi")
        page.get_by_label("South African ID number (optional)").fill("8001015009086")
        page.get_by_label("Open Payments wallet address").fill(f"{stack.payments}/nobody")
        page.get_by_role("button", name="Register").click()
        shot("register-errors")
        page.get_by_label("Surname").fill("Mokoena")
        page.get_by_label("South African ID number (optional)").fill("8001015009087")
        page.get_by_label("Open Payments wallet address").fill(stack.wallet("thandi"))
        page.get_by_label("I agree to the DigiStokvel terms", exact=False).check()
        page.get_by_role("button", name="Register").click()
        shot("registered")

        open_link(page, make_link("+27821000003", "profile"))
        shot("profile")

        open_link(page, make_link(admin, "create"))
        shot("create")
        page.get_by_label("Stokvel name").fill("Soweto Circle")
        page.get_by_label("The stokvel's wallet address", exact=False).fill(stack.wallet("soweto-pot", 0))
        page.get_by_label("Contribution per member").fill("R500")
        page.get_by_label("First payment date").fill("2027-02-01")
        page.get_by_label("Maximum number of members").fill("12")
        page.get_by_label("Penalty for paying late (optional)").fill("R50")
        page.get_by_label("Days late before the penalty").fill("3")
        page.get_by_role("button", name="Preview").click()
        shot("create-preview")
        page.get_by_role("button", name="Confirm and create").click()
        shot("authorise-payouts")
        page.get_by_role("button", name="Go to the stokvel's wallet to approve").click()
        page.get_by_role("button", name="Accept").click()
        page.get_by_role("link", name="Next: authorise your own contribution").click()
        shot("authorise")
        page.get_by_role("button", name="Go to my wallet to approve").click()
        page.get_by_role("button", name="Accept").click()
        page.get_by_role("heading", name="All set").wait_for()
        shot("authorised")

        open_link(page, make_link(applicant, "join"))
        page.get_by_label("Stokvel name").fill("s")
        page.get_by_role("button", name="Search").click()
        shot("join-search")
        page.goto(f"{stack.forms}/stokvels/{stokvel_id}/join?code={code}")
        shot("join-stokvel")
        page.get_by_role("button", name="Apply to join").click()
        shot("applied")

        open_link(page, make_link(admin, "approvals", stokvel_id=stokvel_id))
        shot("approvals")
        open_link(page, make_link(admin, "settings", stokvel_id=stokvel_id))
        shot("settings")

        for day, (key, kind, number, minor) in enumerate([
                ("c1", "contribution", admin, 50_000), ("c2", "contribution", applicant, 50_000),
                ("p1", "payout", applicant, 100_000), ("c3", "contribution", admin, 50_000),
                ("c4", "contribution", applicant, 50_000), ("pen", "penalty", admin, 5_000)]):
            when = datetime(2027, 2 + day // 3, 1 + day, 8, tzinfo=timezone.utc)
            demo.completed_payment(key, kind, stokvel_id, number, minor, when)
        open_link(page, make_link(admin, "statement", stokvel_id=stokvel_id))
        shot("statement")

        page.goto(f"{stack.forms}/l/not-a-real-link")
        shot("link-refused")
    return saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots")
    for path in take(parser.parse_args().out):
        print(path)


if __name__ == "__main__":
    main()
