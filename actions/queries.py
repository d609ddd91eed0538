"""Answers with figures: the pot, my contributions, payouts and whose turn, interest, rules.

Every figure comes from the domain core (`stokvel.services.queries`); money is shown
with `stokvel.money.format_money` (via str(Money)), e.g. "R1 200.50".
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions.base import StokvelAction
from actions.context import StokvelContext, registered_member
from actions.formatting import day, frequency
from stokvel.db import session_scope
from stokvel.services import queries

STATUS_WORDS = {"awaiting_grant": " (waiting for you to authorise your contributions)", "active": ""}
# Statement lines shown in WhatsApp; the full statement is on the web.
RECENT_LINES = 5


class ActionListMyStokvels(Action):
    def name(self) -> Text:
        return "action_list_my_stokvels"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        with session_scope() as session:
            member = registered_member(session, tracker, dispatcher)
            if member is None:
                return []
            mine = queries.my_stokvels(session, member.number)
        if not mine:
            dispatcher.utter_message(
                text="You're not in any stokvel yet. Say *join a stokvel* with your invite code, "
                "or *create a stokvel*."
            )
            return []
        lines = [
            f"• {s.name} – {s.kind}{', admin' if s.role == 'admin' else ''}{STATUS_WORDS.get(s.status, '')}"
            for s in mine
        ]
        dispatcher.utter_message(text="Your stokvels:\n" + "\n".join(lines))
        return []


class ActionStokvelSummary(StokvelAction):
    action_name = "action_stokvel_summary"
    intent = "stokvel_summary"
    question = "Which stokvel's summary?"

    def answer(self, session: Session, dispatcher: CollectingDispatcher, tracker: Tracker,
               ctx: StokvelContext) -> None:
        s = queries.summary(session, ctx.stokvel.stokvel_id)
        lines = [
            f"*{s.name}* ({s.kind} stokvel)",
            f"Pot: {s.pot}",
            f"Members: {s.member_count} of {s.max_members}",
            f"Contribution: {s.contribution} {frequency(s.contribution_frequency)}",
            f"Next collection: {day(s.next_collection)}",
            f"Next payout: {day(s.next_payout)}"
            + (f" – to {s.next_recipient}" if s.next_recipient else ""),
        ]
        dispatcher.utter_message(text="\n".join(lines))


class ActionViewConstitution(StokvelAction):
    action_name = "action_view_constitution"
    intent = "view_constitution"
    question = "Which stokvel's rules?"

    def answer(self, session: Session, dispatcher: CollectingDispatcher, tracker: Tracker,
               ctx: StokvelContext) -> None:
        versions = queries.constitution(session, ctx.stokvel.stokvel_id)
        newest = versions[-1]
        dispatcher.utter_message(
            text=f"*{ctx.stokvel.name} – constitution*\n{queries.describe_constitution(newest)}"
        )


class ActionContributionHistory(StokvelAction):
    action_name = "action_contribution_history"
    intent = "contribution_history"
    question = "Your statement for which stokvel?"

    def answer(self, session: Session, dispatcher: CollectingDispatcher, tracker: Tracker,
               ctx: StokvelContext) -> None:
        st = queries.statement(session, ctx.stokvel.stokvel_id, ctx.number)
        lines = [
            f"*{st.stokvel_name} – your statement*",
            f"Paid in: {st.contributed}",
            f"Penalties: {st.penalties}",
            f"Interest: {st.interest}",
            f"Paid out to you: {st.received}",
            f"Your share in the pot: {st.share}",
        ]
        recent = st.lines[-RECENT_LINES:]
        if recent:
            lines.append("\nLatest:")
            lines += [f"• {day(l.when)} {l.kind} {l.amount} – {l.status}" for l in reversed(recent)]
        else:
            lines.append("\nNo payments yet.")
        dispatcher.utter_message(text="\n".join(lines))


class ActionPayoutSchedule(StokvelAction):
    action_name = "action_payout_schedule"
    intent = "payout_schedule"
    question = "The payout schedule of which stokvel?"

    def answer(self, session: Session, dispatcher: CollectingDispatcher, tracker: Tracker,
               ctx: StokvelContext) -> None:
        schedule = queries.payout_schedule(session, ctx.stokvel.stokvel_id)
        if not schedule:
            dispatcher.utter_message(text=f"{ctx.stokvel.name} has no payouts scheduled yet.")
            return
        lines = [f"*{ctx.stokvel.name} – next payouts*"]
        for p in schedule:
            you = " (you!)" if p.number == ctx.number else ""
            lines.append(f"• {day(p.when)}: {p.recipient}{you}")
        mine = next((p for p in schedule if p.number == ctx.number), None)
        if mine is not None:
            lines.append(f"\nYour turn: {day(mine.when)}.")
        dispatcher.utter_message(text="\n".join(lines))


class ActionViewInterest(StokvelAction):
    action_name = "action_view_interest"
    intent = "view_interest"
    question = "Interest of which stokvel?"

    def answer(self, session: Session, dispatcher: CollectingDispatcher, tracker: Tracker,
               ctx: StokvelContext) -> None:
        view = queries.interest(session, ctx.stokvel.stokvel_id, ctx.number)
        lines = [
            f"*{ctx.stokvel.name} – interest*",
            f"The stokvel has earned {view.stokvel_total}.",
        ]
        if view.mine is not None:
            lines.append(f"Your part: {view.mine}.")
        if view.earnings:
            start, end, amount = view.earnings[-1]
            lines.append(f"Latest: {amount} for {day(start)} – {day(end)}.")
        dispatcher.utter_message(text="\n".join(lines))
