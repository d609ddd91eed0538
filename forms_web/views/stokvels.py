"""Creating a stokvel and changing its settings (admins)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from forms_web import notices
from forms_web.auth import current_number, member_required
from forms_web.constitution_form import checked_values, raw_values
from forms_web.describe import describe_constitution
from forms_web.forms import CreateStokvelForm, SettingsForm
from forms_web.wallets import resolve_into
from stokvel.db import session_scope
from stokvel.errors import DomainError
from stokvel.money import format_money
from stokvel.services import constitution, members, roles, stokvels

bp = Blueprint("stokvels", __name__)


@bp.route("/stokvels/new", methods=["GET", "POST"])
@member_required
def create():
    number = current_number()
    with session_scope() as session:
        members.get_by_number(session, number)  # registered members only
    form = CreateStokvelForm()
    preview = None
    if form.validate_on_submit():
        values = checked_values(form)
        wallet = resolve_into(form.wallet_address)
        if values is not None and wallet is not None:
            preview = f"{' '.join(form.name.data.split())}: {describe_constitution(values)}"
            # Confirming creates exactly what the creator read: a form changed since the
            # preview is previewed again instead.
            if request.form.get("action") == "confirm" and request.form.get("previewed") == preview:
                try:
                    with session_scope() as session:
                        stokvel = stokvels.create(session, number, {
                            **raw_values(form), "name": form.name.data, "listed": form.listed.data,
                            "wallet_address": wallet.id,
                        })
                        stokvel_id, name = stokvel.id, stokvel.name
                except DomainError as error:
                    form.form_errors.append(error.message)
                else:
                    flash(f"{name} is created, and you are its admin. Two last steps: allow "
                          "payouts from the stokvel's wallet, then authorise your own contribution.")
                    return redirect(url_for("grants.authorise_payouts", stokvel_id=stokvel_id))
    return render_template("create.html", form=form, preview=preview)


def _settings_form(stokvel, rules) -> SettingsForm:
    """On GET, filled from the stokvel and its newest rules; on POST, what was sent."""
    if request.method == "POST":
        return SettingsForm()
    return SettingsForm(data={
        "name": stokvel.name, "listed": stokvel.listed,
        **{key: getattr(rules, key) for key in (
            "kind", "contribution_frequency", "start_date", "end_date", "max_members",
            "payout_order", "grace_days", "rules_text")},
        "payout_frequency": rules.payout_frequency or "",
        "contribution": format_money(rules.contribution),
        "late_penalty": format_money(rules.late_penalty) if rules.late_penalty_minor else "",
    })


@bp.route("/stokvels/<int:stokvel_id>/settings", methods=["GET", "POST"])
@member_required
def settings(stokvel_id: int):
    number = current_number()
    with session_scope() as session:
        roles.require_admin(session, stokvel_id, number)
        stokvel = stokvels.get(session, stokvel_id)
        rules = constitution.latest(session, stokvel_id)
        current_rules = constitution.as_dict(rules)
        form = _settings_form(stokvel, rules)
        description = describe_constitution(current_rules)
    # The type of a stokvel never changes: the domain core refuses it, the form fixes it.
    form.kind.data = current_rules["kind"]
    if form.validate_on_submit():
        values = checked_values(form)
        if values is not None:
            try:
                with session_scope() as session:
                    stokvels.update_settings(session, stokvel_id, number, name=form.name.data,
                                             listed=form.listed.data)
                    outcome = None
                    if values != current_rules:
                        outcome = constitution.propose_change(session, stokvel_id, number,
                                                              raw_values(form))
                    message = _outcome_message(outcome)
                    to_notify = outcome.notices if outcome else []
            except DomainError as error:
                form.form_errors.append(error.message)
            else:
                notices.send_all(to_notify)
                flash(message)
                return redirect(url_for("stokvels.settings", stokvel_id=stokvel_id))
    return render_template("settings.html", form=form, stokvel_id=stokvel_id,
                           description=description)


def _outcome_message(outcome) -> str:
    if outcome is None:
        return "Settings saved."
    if outcome.approval is not None:
        return ("Saved. The new contribution amount needs a second admin's approval before "
                "it takes effect.")
    return (f"Saved. The new rules (version {outcome.version.version}) apply from "
            f"{outcome.version.effective_from:%-d %B %Y}, and every member has been told.")
