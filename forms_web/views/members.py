"""Registering, and the member's own profile."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from forms_web import notices
from forms_web.auth import current_number, member_required
from forms_web.forms import ProfileForm, RegisterForm
from stokvel.id_numbers import masked_id_number, save_id_number
from forms_web.wallets import resolve_into
from stokvel.db import session_scope
from stokvel.errors import DomainError
from stokvel.services import members

bp = Blueprint("members", __name__)


@bp.route("/register", methods=["GET", "POST"])
@member_required
def register():
    number = current_number()
    with session_scope() as session:
        if members.find_by_number(session, number) is not None:
            flash("You are already registered: here is your profile.")
            return redirect(url_for("members.profile"))
    form = RegisterForm()
    wallet = None
    checking_wallet = request.form.get("action") == "check-wallet"
    if checking_wallet:
        # "Check wallet" looks the address up and shows its currency; it saves nothing.
        if form.wallet_address.validate(form):
            wallet = resolve_into(form.wallet_address)
    elif request.method == "POST":
        valid = form.validate_on_submit()
        # Looked up even when other fields need fixing, so every problem shows at once.
        if not form.wallet_address.errors:
            wallet = resolve_into(form.wallet_address)
        if valid and wallet is not None:
            try:
                with session_scope() as session:
                    member = members.register(
                        session, number=number, name=form.name.data, surname=form.surname.data,
                        wallet_address=wallet.id, language=form.language.data,
                        consent=form.consent.data,
                    )
                    if form.id_number.data:
                        save_id_number(session, member.id, form.id_number.data)
                    name = member.name
            except DomainError as error:
                form.form_errors.append(error.message)
            else:
                notices.welcome(number, name)
                return render_template("registered.html", name=name, wallet=wallet)
    return render_template("register.html", form=form, number=number, wallet=wallet)


@bp.route("/profile", methods=["GET", "POST"])
@member_required
def profile():
    number = current_number()
    with session_scope() as session:
        member = members.get_by_number(session, number)
        masked_id = masked_id_number(session, member.id)
    form = ProfileForm(obj=member)
    wallet = None
    if form.validate_on_submit():
        wallet = resolve_into(form.wallet_address)
        if wallet is not None:
            try:
                with session_scope() as session:
                    members.update_profile(
                        session, number, name=form.name.data, surname=form.surname.data,
                        wallet_address=wallet.id, language=form.language.data,
                    )
            except DomainError as error:
                form.form_errors.append(error.message)
            else:
                flash(f"Saved. Your wallet holds {wallet.asset_code}.")
                return redirect(url_for("members.profile"))
    return render_template("profile.html", form=form, number=number, masked_id=masked_id,
                           wallet=wallet)
