"""A stokvel's whole life through the running product (`make run`): five people on
WhatsApp, wallets at the payment sandbox, a real browser for the web forms, four months of
the scheduler's sweeps, and at the end every wallet, every ledger row and every WhatsApp
message checked against what should have happened. Runs on SQLite and on PostgreSQL.

"Mamelodi Savers": rotating, R500 a month, 4 members, R50 penalty from the first day late,
payouts in the order members authorised their contributions; each payout is the money
confirmed in the pot on its day (the domain core's rule).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from tests.e2e.world import (
    Person, World, approve_on_web, authorise_on_consent_page, create_stokvel_in_browser,
    join_with_code_on_web, link_in, register_in_browser,
)

STOKVEL = "Mamelodi Savers"
R = 100  # minor units per rand

THANDI_START, SIPHO_START, LERATO_START, NOMSA_START, BONGANI_START = (
    5_000 * R, 700 * R, 5_000 * R, 5_000 * R, 1_000 * R)
SIPHO_TOP_UP = 2_000 * R


def first_collection_day() -> date:
    """The 1st of next month: members joining today pay from the first period on."""
    return date.today().replace(day=1) + relativedelta(months=1)


def test_a_stokvels_whole_life(stack, page):
    world = World(stack, page)
    # Fresh numbers and wallet names: the scenario never meets an earlier run's people.
    prefix = f"+2782{random.randrange(10**6):06d}"
    thandi, sipho, lerato, bongani, nomsa = (
        Person(name, f"{prefix}{n}", f"{name.lower()}-{prefix[-6:]}")
        for n, name in enumerate(("Thandi", "Sipho", "Lerato", "Bongani", "Nomsa"), start=1))
    for person, balance in ((thandi, THANDI_START), (sipho, SIPHO_START), (lerato, LERATO_START),
                            (nomsa, NOMSA_START), (bongani, BONGANI_START)):
        world.open_wallet(person.wallet, balance)
    pot = f"pot-{prefix[-6:]}"
    world.open_wallet(pot, 0)
    start = first_collection_day()

    # 1. Thandi greets in isiZulu. She is not registered: asking to, she gets a personal link.
    world.says(thandi, "Sawubona", r"DigiStokvel")
    [reply] = world.says(thandi, "Ngifuna ukubhalisa", r"not registered.*personal link")
    register_in_browser(world, thandi, link_in(reply), "Mokoena", "zu")
    world.expect(thandi, r"Welcome to DigiStokvel, Thandi")

    # 2. She creates the stokvel on the web and authorises her own contribution.
    [reply] = world.says(thandi, "I want to start a new stokvel for my friends", r"set up your stokvel")
    create_stokvel_in_browser(world, link_in(reply), STOKVEL, pot, start,
                              max_members=4, contribution="R500", penalty="R50")
    authorise_on_consent_page(world, None)
    world.expect(thandi, rf"contribution to {STOKVEL} is authorised")

    # The others register the same way, each in their own words.
    for person, greeting, surname, language in (
            (sipho, "hi, how do I sign up?", "Dlamini", "en"),
            (lerato, "Dumela! I'd like to register", "Molefe", "st"),
            (bongani, "howzit, register me please", "Khumalo", "zu"),
            (nomsa, "Molo, I want to register", "Mthembu", "xh")):
        [reply] = world.says(person, greeting, r"personal link")
        register_in_browser(world, person, link_in(reply), surname, language)
        world.expect(person, rf"Welcome to DigiStokvel, {person.name}")

    # 3. Thandi asks for an invite code and shares it; three people use it.
    [reply] = world.says(thandi, "can I get an invite code for my stokvel?", rf"invite code for \*{STOKVEL}\*")
    code = reply.split("*")[3]
    world.says(sipho, f"my code is {code}", rf"request to join \*{STOKVEL}\* is with its admins")
    world.expect(thandi, r"Sipho Dlamini .* asked to join")
    for person in (lerato, bongani):
        [reply] = world.says(person, "I want to join a stokvel", r"invite code.*\(link valid")
        join_with_code_on_web(world, link_in(reply), code)
        [notice] = world.expect(thandi, rf"{person.name} \w+ has applied to join {STOKVEL}")
    approve_on_web(world, link_in(notice), approve=["Sipho Dlamini", "Lerato Molefe"],
                   decline={"Bongani Khumalo": "We are full for now, sorry"})
    accepted = {p.name: world.expect(p, rf"accepted into {STOKVEL}")[0] for p in (sipho, lerato)}
    world.expect(bongani, r"declined.*We are full for now")

    # The fourth finds the stokvel by its name and applies; Thandi approves.
    world.says(nomsa, f"I want to join {STOKVEL}", rf"request to join \*{STOKVEL}\*")
    world.expect(thandi, r"Nomsa Mthembu .* asked to join")
    [reply] = world.says(thandi, "any pending applications?", r"Nomsa Mthembu.*Approve or decline")
    approve_on_web(world, link_in(reply), approve=["Nomsa Mthembu"], decline={})
    [nomsa_link] = world.expect(nomsa, rf"accepted into {STOKVEL}")

    # 4. Each authorises; Lerato rejects at her wallet first, then tries again.
    authorise_on_consent_page(world, link_in(accepted["Lerato"]), accept=False)
    world.page.get_by_role("link", name="Try again").click()
    authorise_on_consent_page(world, None)
    world.expect(lerato, rf"contribution to {STOKVEL} is authorised")
    for person, message in ((nomsa, nomsa_link), (sipho, accepted["Sipho"])):
        authorise_on_consent_page(world, link_in(message))
        world.expect(person, rf"contribution to {STOKVEL} is authorised")

    # 6a. Before the first collection: the rules, and whose turn it is.
    world.says(sipho, "what are the rules of our stokvel?",
               r"R500\.00 monthly.*Maximum members: 4.*R50\.00 after 0 grace")
    world.says(nomsa, "whose turn is it next to get paid?",
               r"Thandi.*Lerato.*Nomsa \w+ \(you!\).*Sipho")

    # 5. Four months of sweeps. Month 1: everyone pays, Thandi gets the pot.
    months = [start + relativedelta(months=n) for n in range(4)]
    world.run_sweep(months[0])
    everyone = (thandi, sipho, lerato, nomsa)
    for person in everyone:
        expected = [rf"received your {STOKVEL} contribution of R500\.00"]
        if person is thandi:
            expected += [r"payout of R2 000\.00 .* on its way", r"R2 000\.00 was paid out to Thandi"]
        world.expect(person, *expected)
    # An extra R 250 from Lerato, with confirmation: it waits in the pot for the next turn.
    world.says(lerato, "I want to put in R 250", rf"Pay R250\.00 into {STOKVEL}.*debited R250\.00")
    world.says(lerato, "yes", rf"Paid! R250\.00 is in {STOKVEL}")

    # Month 2: Sipho's wallet is dry. Lerato's turn gets what is in the pot.
    world.run_sweep(months[1])
    world.expect(sipho, r"could not collect R500\.00 .*not enough money.*try again tomorrow")
    for person in (thandi, lerato, nomsa):
        expected = [rf"received your {STOKVEL} contribution of R500\.00"]
        if person is lerato:
            expected.append(r"payout of R1 750\.00 .* on its way")
        if person is thandi:
            expected += [r"R1 750\.00 was paid out to Lerato", rf"1 payment\(s\) did not go through.*\{sipho.number}"]
        world.expect(person, *expected)
    world.top_up(sipho.wallet, SIPHO_TOP_UP)
    world.run_sweep(months[1] + timedelta(days=1))
    world.expect(sipho, rf"received your {STOKVEL} contribution of R500\.00",
                 rf"received your {STOKVEL} late-payment penalty of R50\.00")

    # 6b. Along the way: the balance, a statement, and asking for a person.
    world.says(thandi, "how much money is in our pot now?", r"Pot: R550\.00.*Members: 4 of 4")
    world.says(sipho, "pls show me my statement",
               r"Paid in: R1 000\.00.*Penalties: R50\.00.*Paid out to you: R0\.00")
    world.says(nomsa, "I want to speak to a real person please", rf"told the admin.*{STOKVEL}")
    world.expect(thandi, r"Nomsa Mthembu .* asked to speak to a person")

    # Months 3 and 4: Nomsa gets the pot with Sipho's late money; Sipho the last one.
    world.run_sweep(months[2])
    for person in everyone:
        expected = [rf"received your {STOKVEL} contribution of R500\.00"]
        if person is nomsa:
            expected.append(r"payout of R2 550\.00 .* on its way")
        if person is thandi:
            expected.append(r"R2 550\.00 was paid out to Nomsa")
        world.expect(person, *expected)
    world.run_sweep(months[3])
    for person in everyone:
        expected = [rf"received your {STOKVEL} contribution of R500\.00"]
        if person is sipho:
            expected.append(r"payout of R2 000\.00 .* on its way")
        if person is thandi:
            expected.append(r"R2 000\.00 was paid out to Sipho")
        world.expect(person, *expected)
    # A sweep run again changes nothing and tells nobody anything.
    world.run_sweep(months[3])

    # 7. Every wallet, every ledger row, every message.
    balances = {p.name: world.balance(p.wallet) for p in (*everyone, bongani)}
    balances["pot"] = world.balance(pot)
    assert balances == {
        "Thandi": THANDI_START - 4 * 500 * R + 2_000 * R,
        "Sipho": SIPHO_START + SIPHO_TOP_UP - 4 * 500 * R - 50 * R + 2_000 * R,
        "Lerato": LERATO_START - 4 * 500 * R - 250 * R + 1_750 * R,
        "Nomsa": NOMSA_START - 4 * 500 * R + 2_550 * R,
        "Bongani": BONGANI_START,
        "pot": 0,
    }, "wallet balances after four months"
    assert sum(balances.values()) == (THANDI_START + SIPHO_START + LERATO_START + NOMSA_START
                                      + BONGANI_START + SIPHO_TOP_UP), "money was created or lost"

    rows = world.ledger(STOKVEL)
    assert [r for r in rows if r[2] != "completed"] == [], "every payment ended confirmed"
    keys = [(kind, name, period) for kind, name, _status, _amount, period in rows]
    assert len(keys) == len(set(keys)), f"a payment was recorded twice: {rows}"
    paid = sorted((kind, name, amount, period) for kind, name, _status, amount, period in rows)
    expected_rows = sorted(
        [("contribution", p.name, 500 * R, m.isoformat()) for p in everyone for m in months]
        + [("penalty", "Sipho", 50 * R, months[1].isoformat())]
        + [("payout", "Thandi", 2_000 * R, months[0].isoformat()),
           ("payout", "Lerato", 1_750 * R, months[1].isoformat()),
           ("payout", "Nomsa", 2_550 * R, months[2].isoformat()),
           ("payout", "Sipho", 2_000 * R, months[3].isoformat())])
    adhoc = [row for row in paid if row[1] == "Lerato" and row[2] == 250 * R]
    assert len(adhoc) == 1, f"Lerato's R250 is one ledger row: {rows}"
    assert [row for row in paid if row not in adhoc] == expected_rows, "the ledger after four months"

    for person in (*everyone, bongani):
        world.nothing_more_for(person)
