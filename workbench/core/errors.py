"""Domain errors raised by services and shown to users as plain messages."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from workbench.core.i18n import catalogue, t, tn


class WorkbenchError(Exception):
    """Base of every error a user should see as a message rather than a traceback."""

    #: An audit entry to write after the failed transaction has rolled back (set by
    #: ``workbench.core.audit.refuse``), so that refused actions are logged even though
    #: nothing else of the action is kept.
    audit: dict | None = None

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class PermissionDenied(WorkbenchError):
    pass


class NotFound(WorkbenchError):
    pass


class ValidationError(WorkbenchError):
    pass


class AuthenticationFailed(WorkbenchError):
    pass


class SignInThrottled(AuthenticationFailed):
    """A sign-in attempt made before the wait after earlier failures ran out: refused without
    checking the password. ``retry_after`` is the wait left, in seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class InvalidTransition(WorkbenchError):
    def __init__(self, message: str, allowed: Iterable[str] = ()) -> None:
        self.allowed = sorted(set(allowed))
        #: The refusal in its own words, without the list of next steps.
        self.reason = message
        if self.allowed:
            message = f"{message} " + t("errors.allowed_next",
                                        allowed=t("errors.list_separator").join(
                                            map(_next_step, self.allowed)))
        else:
            message = f"{message} " + t("errors.no_further_action")
        super().__init__(message)


def _next_step(allowed: str) -> str:
    """A next step (``"<transition> → <STATE>"``) in the reader's words."""
    name, _, target = allowed.partition(" → ")
    if not target:
        return allowed
    return t("errors.allowed_item", label=t(f"transition.{name}"), state=t(f"state.{target}"))


class StaleEdit(WorkbenchError):
    """A save made from an outdated version. Carries who made the newer change and when,
    and the values the user tried to save so that nothing of their edit is lost."""

    def __init__(
        self,
        *,
        entity: str,
        expected_version: int,
        current_version: int,
        changed_by: str | None,
        changed_at: datetime | None,
        attempted: dict | None = None,
    ) -> None:
        who = changed_by or t("errors.stale.someone")
        when = _office_time(changed_at) if changed_at else t("errors.stale.unknown_time")
        what = t(f"errors.entity.{entity.lower().replace(' ', '_')}")
        super().__init__(t("errors.stale.changed", entity=what, who=who, when=when,
                           expected=expected_version, current=current_version))
        self.expected_version = expected_version
        self.current_version = current_version
        self.changed_by = changed_by
        self.changed_at = changed_at
        self.attempted = attempted or {}


def _office_time(moment: datetime) -> str:
    from workbench.core.settings import get_settings

    settings = get_settings()
    local = moment.astimezone(settings.zone) if moment.tzinfo else moment
    return f"{local:%Y-%m-%d %H:%M} ({settings.timezone})"


class IngestError(WorkbenchError):
    pass


class DatabaseNotMigrated(WorkbenchError):
    pass


def from_pydantic(exc: Exception) -> ValidationError:
    """A plain-language ValidationError from a pydantic validation failure, in the reader's
    language: the models' own messages (``errors.model.*``, whose English is the models'
    word for word), a missing field, a text too long or too short or a value of the wrong
    kind in the product's words (``errors.limit.*``), and the field names
    (``errors.field.*``); any other message of pydantic's as pydantic words it."""
    parts = []
    for err in getattr(exc, "errors", lambda: [])():
        field = ".".join(str(p) for p in err.get("loc", ()))
        message = _limit_message(err) or _model_message(
            str(err.get("msg", "")).removeprefix("Value error, "), err.get("type"))
        parts.append(t("errors.field_message", field=_field_label(field), message=message)
                     if field else message)
    return ValidationError(t("errors.field_separator").join(parts) or str(exc))


#: pydantic's error types told in the product's words, with the limit they name.
_COUNTED = {"string_too_long": "max_length", "string_too_short": "min_length",
            "too_long": "max_length", "too_short": "min_length"}
_BOUNDS = {"greater_than_equal": "ge", "less_than_equal": "le"}
_KINDS = {"int_parsing": "number", "int_type": "number", "bool_parsing": "yes_no",
          "bool_type": "yes_no", "date_parsing": "date", "date_type": "date",
          "date_from_datetime_parsing": "date", "date_from_datetime_inexact": "date",
          "enum": "choice", "literal_error": "choice", "string_type": "text"}


def _limit_message(err: dict) -> str | None:
    kind = err.get("type")
    ctx = err.get("ctx") or {}
    if kind in _COUNTED and isinstance(ctx.get(_COUNTED[kind]), int):
        limit = ctx[_COUNTED[kind]]
        if kind == "string_too_short" and limit == 1:
            return t("errors.limit.empty")
        return tn(f"errors.limit.{kind}", limit)
    if kind in _BOUNDS and ctx.get(_BOUNDS[kind]) is not None:
        return t(f"errors.limit.{kind}", n=ctx[_BOUNDS[kind]])
    if kind in _KINDS:
        return t(f"errors.limit.{_KINDS[kind]}")
    return None


def _model_message(message: str, kind: object) -> str:
    if kind == "missing":
        return t("errors.model.missing")
    for key, english in catalogue("en").items():
        name = key.removeprefix("errors.model.")
        if name != key and english == message:
            return t(f"errors.model.{name}")
    return message


def _field_label(field: str) -> str:
    key = f"errors.field.{field}"
    return t(key) if key in catalogue("en") else field.replace("_", " ")
