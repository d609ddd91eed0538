"""Admin options: invite codes and join requests. The domain core checks the role and
its NotAdmin error is what a non-admin is told."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions.accounts import ActionJoinStokvel, invite_code_in
from actions.base import StokvelAction
from actions.context import StokvelContext
from actions.formatting import day
from stokvel.db import session_scope
from stokvel.errors import DomainError
from stokvel.links import make_link
from stokvel.services import invites, queries


class ActionInviteMember(StokvelAction):
    action_name = "action_invite_member"
    intent = "invite_member"
    question = "Invite someone to which stokvel?"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        # A message holding a live invite code comes from someone joining with it ("my
        # code is K7P2QX"), whatever the model made of the word "code" around it.
        with session_scope() as session:
            code = invite_code_in(session, tracker)
            joining = code is not None and _is_live(session, code)
        if joining:
            return await ActionJoinStokvel().run(dispatcher, tracker, domain)
        return await super().run(dispatcher, tracker, domain)

    def answer(self, session: Session, dispatcher: CollectingDispatcher, tracker: Tracker,
               ctx: StokvelContext) -> None:
        invite = invites.create_code(session, ctx.stokvel.stokvel_id, ctx.number)
        dispatcher.utter_message(
            text=(
                f"Here is an invite code for *{ctx.stokvel.name}*: *{invite.code}*\n"
                f"Forward this to the person you're inviting: \"Send 'my code is {invite.code}' "
                "to DigiStokvel on WhatsApp to join.\" You'll approve their request before they're in."
            )
        )


def _is_live(session: Session, code: str) -> bool:
    try:
        invites.find_active(session, code)
    except DomainError:
        return False
    return True


class ActionPendingApplications(StokvelAction):
    action_name = "action_pending_applications"
    intent = "pending_applications"
    question = "Join requests for which stokvel?"

    def answer(self, session: Session, dispatcher: CollectingDispatcher, tracker: Tracker,
               ctx: StokvelContext) -> None:
        pending = queries.pending_applications(session, ctx.stokvel.stokvel_id, ctx.number)
        if not pending:
            dispatcher.utter_message(text=f"No one is waiting to join {ctx.stokvel.name}.")
            return
        lines = [f"*{ctx.stokvel.name} – {len(pending)} waiting to join*"]
        lines += [f"• {a.name} ({a.number}), applied {day(a.applied_at)}" for a in pending]
        link = make_link(ctx.number, "approvals", stokvel_id=ctx.stokvel.stokvel_id)
        lines.append(f"\nApprove or decline them here (link valid 15 minutes): {link}")
        dispatcher.utter_message(text="\n".join(lines))
