"""The site's forms (Flask-WTF: each carries its CSRF token).

Field checks here say what is wrong beside the field; the rules themselves stay in the
domain core, which the validators below call so that each rule lives in one place.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from stokvel.id_numbers import id_number_problem
from stokvel.errors import DomainError
from stokvel.models import FREQUENCIES, PAYOUT_FREQUENCIES, PAYOUT_ORDERS
from stokvel.money import parse_money
from stokvel.payments.wallet import wallet_address_url
from stokvel.services.members import LANGUAGES

LANGUAGE_CHOICES = list(LANGUAGES.items())


def _label(value: str) -> str:
    return value.replace("_", " ").capitalize()


def valid_id_number(_form, field) -> None:
    if field.data:
        problem = id_number_problem(field.data)
        if problem:
            raise ValidationError(problem)


def wallet_address_shape(_form, field) -> None:
    """The shape only; whether the provider knows the wallet is checked by resolving it."""
    try:
        wallet_address_url(field.data or "")
    except DomainError as error:
        raise ValidationError(error.message) from None


def money_amount(_form, field) -> None:
    if field.data:
        try:
            parse_money(field.data)
        except DomainError as error:
            raise ValidationError(error.message) from None


class RegisterForm(FlaskForm):
    name = StringField("First name", [DataRequired("Please give your first name."), Length(max=80)])
    surname = StringField("Surname", [DataRequired("Please give your surname."), Length(max=80)])
    id_number = StringField(
        "South African ID number (optional)", [Optional(), valid_id_number],
        render_kw={"inputmode": "numeric", "autocomplete": "off", "maxlength": 16},
    )
    wallet_address = StringField(
        "Open Payments wallet address",
        [DataRequired("Please give your wallet address."), wallet_address_shape],
        render_kw={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false",
                   "placeholder": "$wallet.example/yourname"},
    )
    language = SelectField("Preferred language", choices=LANGUAGE_CHOICES, default="en")
    consent = BooleanField(
        "I agree to the DigiStokvel terms: my details are used to run my stokvels, and "
        "payments happen only as my stokvel's rules say.",
        [DataRequired("You need to agree to the terms to register.")],
    )


class ProfileForm(FlaskForm):
    name = RegisterForm.name
    surname = RegisterForm.surname
    wallet_address = RegisterForm.wallet_address
    language = RegisterForm.language


class ConstitutionForm(FlaskForm):
    """The rules members agree to; field names are the domain core's constitution keys."""

    kind = RadioField(
        "Type of stokvel",
        choices=[("rotating", "Rotating: the whole pot goes to one member each period"),
                 ("savings", "Savings: the pot grows and is shared out later")],
        default="rotating",
    )
    contribution = StringField(
        "Contribution per member", [DataRequired("Please give the contribution amount."), money_amount],
        render_kw={"inputmode": "decimal", "placeholder": "R500"},
    )
    contribution_frequency = SelectField(
        "How often members pay", choices=[(f, _label(f)) for f in FREQUENCIES], default="monthly")
    start_date = DateField("First payment date", [InputRequired("Please give the first payment date.")])
    end_date = DateField("End date (savings stokvels)", [Optional()])
    payout_frequency = SelectField(
        "Payouts (savings stokvels)",
        choices=[("", "—")] + [(f, _label(f).replace("At end", "At the end")) for f in PAYOUT_FREQUENCIES],
        default="",
    )
    max_members = IntegerField(
        "Maximum number of members", [InputRequired("Please give the maximum number of members.")],
        render_kw={"inputmode": "numeric", "min": 2, "max": 200},
    )
    payout_order = SelectField(
        "Payout order (rotating stokvels)", choices=[(o, _label(o)) for o in PAYOUT_ORDERS],
        default="join_order")
    late_penalty = StringField("Penalty for paying late (optional)", [Optional(), money_amount],
                               render_kw={"inputmode": "decimal", "placeholder": "R50"})
    grace_days = IntegerField("Days late before the penalty", [Optional()], default=0,
                              render_kw={"inputmode": "numeric", "min": 0})
    rules_text = TextAreaField("Other rules (optional)", [Optional(), Length(max=4000)])


class CreateStokvelForm(ConstitutionForm):
    name = StringField("Stokvel name", [DataRequired("Please give the stokvel a name."), Length(max=60)])
    # The pot: contributions are paid into it and payouts leave from it.
    wallet_address = StringField(
        "The stokvel's wallet address (where the pot is kept)",
        [DataRequired("Please give the wallet address where the stokvel's pot is kept."),
         wallet_address_shape],
        render_kw={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false",
                   "placeholder": "$wallet.example/our-stokvel"},
    )
    listed = BooleanField("List it so that people can find it and apply", default=True)


class JoinForm(FlaskForm):
    code = StringField("Invite code", [DataRequired("Please type the invite code.")],
                       render_kw={"autocapitalize": "characters", "autocomplete": "off", "maxlength": 6})


class SettingsForm(ConstitutionForm):
    name = CreateStokvelForm.name
    listed = BooleanField("Listed: people can find it and apply")


class EmptyForm(FlaskForm):
    """A button-only form: still carries a CSRF token."""
