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


def is_local_path(target: str) -> bool:
    """'/c/shop/' yes; '//evil', '/\\evil' and '/<tab>/evil' no: browsers read a backslash as '/' and drop
    tabs and newlines, so those lead to another host (or, with a newline, break the header)."""
    return (target.startswith("/") and not target.startswith("//")
            and not any(ch == "\\" or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target))


def safe_next(default_endpoint: str, **values) -> str:
    target = request.values.get("next") or ""
    if is_local_path(target):
        return target
    return url_for(default_endpoint, **values)


def done(message: str, endpoint: str, **values):
    flash(message, "success")
    return redirect(url_for(endpoint, **values), code=303)
