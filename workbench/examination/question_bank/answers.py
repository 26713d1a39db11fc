"""An answer normalised for storage by its question's answer type (``ValueError`` naming the
question when it cannot be stored)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, datetime

from workbench.core.i18n import current_language, t
from workbench.examination.question_bank.model import Question


def _normalise(question: Question, value: object) -> object:
    kind = question.type
    label = f'"{question.prompt}"'
    if isinstance(value, str):
        value = value.strip()
        if not value:
            value = None
    if value is None:
        return [] if kind == "multi_choice" else None

    if kind in ("text", "long_text"):
        if not isinstance(value, str):
            raise ValueError(t("errors.answers.answer_must_text", label=label))
        return " ".join(value.split()) if kind == "text" else value
    if kind == "yes_no":
        if not isinstance(value, bool):
            raise ValueError(t("errors.answers.answer_must_yes_no", label=label))
        return value
    if kind == "date":
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                raise ValueError(
                    t("errors.answers.answer_must_date_written", label=label, value=value)
                ) from None
        raise ValueError(t("errors.answers.answer_must_date", label=label))
    if kind == "number":
        return _number(value, label)
    if kind == "choice":
        if not isinstance(value, str) or value not in question.choices:
            raise ValueError(
                t("errors.answers.answer_must_one_not", label=label,
                  choices=', '.join(question.choices), value=value)
            )
        return value
    if kind == "multi_choice":
        if isinstance(value, str) or not isinstance(value, list | tuple | set | frozenset):
            raise ValueError(t("errors.answers.answer_must_list_choices", label=label))
        items = list(value)
        unknown = [item for item in items if item not in question.choices]
        if unknown:
            raise ValueError(
                t("errors.answers.answer_may_contain_not", label=label,
                  choices=', '.join(question.choices),
                  unknown=', '.join(repr(item) for item in unknown))
            )
        repeated = sorted({item for item in items if items.count(item) > 1})
        if repeated:
            raise ValueError(
                t("errors.answers.answer_names_more_than", label=label,
                  repeated=', '.join(repeated))
            )
        alone = [item for item in items if item in question.exclusive_choices]
        if alone and len(items) > 1:
            language = current_language()
            raise ValueError(
                t("errors.answers.answer_none_with_others", label=label,
                  none=question.choice_label(alone[0], language),
                  others=", ".join(question.choice_label(item, language)
                                   for item in items if item != alone[0]))
            )
        return items
    if kind == "incidents":
        if isinstance(value, str) or not isinstance(value, list | tuple):
            raise ValueError(t("errors.answers.answer_must_list_incidents", label=label))
        if not all(isinstance(row, Mapping) for row in value):
            raise ValueError(t("errors.answers.each_incident_must_record", label=label))
        return [dict(row) for row in value]
    raise ValueError(f"{label} has an unknown answer type {kind!r}.")  # pragma: no cover


def _number(value: object, label: str) -> int | float:
    if isinstance(value, bool):
        raise ValueError(t("errors.answers.answer_must_number", label=label))
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        number = value
    elif isinstance(value, str):
        text = value.replace(",", "").replace(" ", "")
        try:
            return int(text)
        except ValueError:
            pass
        try:
            number = float(text)
        except ValueError:
            raise ValueError(
                t("errors.answers.answer_must_number_not", label=label, value=value)
            ) from None
    else:
        raise ValueError(t("errors.answers.answer_must_number", label=label))
    if not math.isfinite(number):
        raise ValueError(t("errors.answers.answer_must_finite_number", label=label))
    return number

