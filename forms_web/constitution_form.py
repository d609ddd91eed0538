"""Between the constitution form and the domain core: each field is parsed by the domain
core alone (so its error lands beside that field), then the whole is checked together."""

from __future__ import annotations

from typing import Optional

from forms_web.forms import ConstitutionForm
from stokvel.errors import DomainError
from stokvel.services import constitution

# Form field -> the domain core's constitution key it fills.
FIELDS = ("kind", "contribution", "contribution_frequency", "start_date", "end_date",
          "payout_frequency", "max_members", "payout_order", "late_penalty", "grace_days",
          "rules_text")


def raw_values(form: ConstitutionForm) -> dict:
    return {name: getattr(form, name).data for name in FIELDS if name in form}


def checked_values(form: ConstitutionForm) -> Optional[dict]:
    """The complete, checked constitution; None with errors on the form when it is not."""
    raw = raw_values(form)
    parsed: dict = {}
    for name, value in raw.items():
        try:
            parsed.update(constitution.parse_fields({name: value}))
        except DomainError as error:
            form[name].errors = [*form[name].errors, error.message]
    if form.errors:
        return None
    try:
        return constitution.check_rules(parsed)
    except DomainError as error:
        form.form_errors.append(error.message)
        return None
