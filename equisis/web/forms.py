"""Small helpers views share: read a submitted form, report errors per field, redirect safely."""
from __future__ import annotations

from flask import flash, redirect, request, url_for

from equisis.core.errors import EquisisError, ValidationErrors
from equisis.store import idempotency


def field_errors(exc: EquisisError) -> dict:
    """{field: message} for re-rendering a form next to the right inputs; '' holds the rest."""
    problems = exc.problems if isinstance(exc, ValidationErrors) else [exc]
    errors: dict = {}
    for problem in problems:
        errors.setdefault(problem.field or "", []).append(problem.message())
    return errors


def form_key() -> str | None:
    return request.form.get("_idem") or None


def submit_once(scope: str, create) -> tuple[str, bool]:
    """Run ``create`` once for this form's idempotency key; a double submit gets the first result."""
    return idempotency.once(form_key(), scope, create)


def safe_next(default_endpoint: str, **values) -> str:
    target = request.values.get("next") or ""
    if target.startswith("/") and not target.startswith("//"):
        return target
    return url_for(default_endpoint, **values)


def done(message: str, endpoint: str, **values):
    flash(message, "success")
    return redirect(url_for(endpoint, **values), code=303)
