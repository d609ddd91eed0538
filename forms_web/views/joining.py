"""Joining a stokvel (by invite code or from the listed ones) and admins' approvals."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from forms_web import notices
from forms_web.auth import current_number, member_required
from forms_web.describe import describe_constitution
from forms_web.forms import EmptyForm, JoinForm
from stokvel.db import session_scope
from stokvel.errors import DomainError, NotFound
from stokvel.services import applications, constitution, invites, members, roles, stokvels

bp = Blueprint("joining", __name__)

MAX_RESULTS = 20


def _overview(session, stokvel) -> dict:
    rules = constitution.latest(session, stokvel.id)
    taken = applications.member_count(session, stokvel.id)
    return {"id": stokvel.id, "name": stokvel.name,
            "rules": describe_constitution(constitution.as_dict(rules)),
            "rules_text": rules.rules_text, "free": max(rules.max_members - taken, 0),
            "max": rules.max_members}


@bp.route("/join", methods=["GET", "POST"])
@member_required
def join():
    """Find a stokvel: by invite code (form or link) or by searching listed names."""
    number = current_number()
    form = JoinForm(request.form if request.method == "POST" else None,
                    code=request.args.get("invite_code") or None)
    query = (request.args.get("q") or "").strip()
    with session_scope() as session:
        members.get_by_number(session, number)
        if form.validate_on_submit() if request.method == "POST" else form.code.data:
            try:
                invite = invites.find_active(session, form.code.data)
            except DomainError as error:
                form.code.errors = [*form.code.errors, error.message]
            else:
                return redirect(url_for("joining.stokvel", stokvel_id=invite.stokvel_id,
                                        code=invite.code))
        found = [s for s in stokvels.listed(session) if query.casefold() in s.name.casefold()]
        results = [_overview(session, s) for s in found[:MAX_RESULTS]]
    return render_template("join.html", form=form, query=query, results=results)


@bp.route("/stokvels/<int:stokvel_id>/join", methods=["GET", "POST"])
@member_required
def stokvel(stokvel_id: int):
    """One stokvel's rules and free places, and applying to it."""
    number = current_number()
    code = request.values.get("code") or None
    form = EmptyForm()
    with session_scope() as session:
        found = stokvels.get(session, stokvel_id)
        if not found.listed and invites.find_active(session, code or "").stokvel_id != stokvel_id:
            raise NotFound("I could not find that stokvel.")  # unlisted: by its invite code only
        overview = _overview(session, found)
        admin_numbers = [m.member.number for m in roles.admins(session, stokvel_id)]
    error = None
    if form.validate_on_submit():
        try:
            with session_scope() as session:
                application = applications.apply(
                    session, number, stokvel_id=stokvel_id, invite_code=code)
                applicant = application.member.full_name
        except DomainError as refused:
            error = refused.message
        else:
            notices.application_received(admin_numbers, applicant, overview["name"], stokvel_id)
            return render_template("applied.html", name=overview["name"])
    return render_template("stokvel.html", form=form, stokvel=overview, code=code, error=error)


@bp.get("/stokvels/<int:stokvel_id>/approvals")
@member_required
def approvals(stokvel_id: int):
    number = current_number()
    with session_scope() as session:
        pending = [{"id": a.id, "name": a.member.full_name, "number": a.member.number,
                    "via": "invite code" if a.via == "invite" else "search",
                    "applied": a.created_at}
                   for a in applications.pending(session, stokvel_id, number)]
        overview = _overview(session, stokvels.get(session, stokvel_id))
    return render_template("approvals.html", pending=pending, stokvel=overview)


@bp.post("/stokvels/<int:stokvel_id>/applications/<int:application_id>/<any(approve, decline):decision>")
@member_required
def decide(stokvel_id: int, application_id: int, decision: str):
    number = current_number()  # CSRFProtect has already refused a POST without a valid token
    with session_scope() as session:
        # The domain core checks the decider is an admin of the application's stokvel.
        if decision == "approve":
            membership = applications.approve(session, application_id, number)
            applicant = membership.member
        else:
            application = applications.decline(session, application_id, number,
                                               request.form.get("reason"))
            applicant = application.member
        applicant_number, applicant_name = applicant.number, applicant.full_name
        stokvel_name = stokvels.get(session, stokvel_id).name
    if decision == "approve":
        notices.application_approved(applicant_number, stokvel_name, stokvel_id)
        flash(f"{applicant_name} is approved. We sent them a link to authorise their contribution.")
    else:
        notices.application_declined(applicant_number, stokvel_name, request.form.get("reason"))
        flash(f"{applicant_name} was declined and has been told.")
    return redirect(url_for("joining.approvals", stokvel_id=stokvel_id))
