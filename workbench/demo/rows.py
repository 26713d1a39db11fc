"""The demo generator's output: the generated cases and persons emitted as rows for the
``person``, ``application`` and ``status_event`` tables (ids in lodging order, office-hour
timestamps, milestone dates) with each application's ground truth.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from triage.readings import search_key
from workbench.core.milestones import MILESTONE_COLUMNS, milestone_updates
from workbench.demo import katakana
from workbench.demo.records import _EPOCH, _RECEIVED, GeneratedData


class _Rows:
    """The emission of the generated caseload as table rows."""

    # --- output --------------------------------------------------------------------------

    def _emit(self, first_person_id: int, first_application_id: int) -> GeneratedData:
        fromtimestamp = datetime.fromtimestamp

        def stamp(day: int, sec: int) -> datetime:
            return fromtimestamp((day - _EPOCH) * 86400 + sec, UTC)

        order = sorted(self.cases, key=lambda c: (c.events[0][5], c.events[0][6], c.idx))
        app_id = {c.idx: first_application_id + n for n, c in enumerate(order)}
        person_first = {}
        for c in order:
            person_first.setdefault(c.person, c)
        person_order = sorted(person_first, key=lambda pi: (
            person_first[pi].events[0][5], person_first[pi].events[0][6], pi))
        person_id = {pi: first_person_id + n for n, pi in enumerate(person_order)}

        persons = []
        for pi in person_order:
            row = self.persons[pi]
            cases = [self.cases[ci] for ci in row.registrations]
            first, last = cases[0], cases[-1]
            persons.append({
                "id": person_id[pi],
                "family_name": row.family,
                "given_names": row.given,
                "name_original": row.original,
                "name_kana": (kana := katakana.reading_of(row.name)) or None,
                "name_kanji": (kanji := katakana.kanji_of(row.name)),
                "name_reading_key": search_key(kana, kanji),
                "date_of_birth": row.dob,
                "birth_year": row.birth_year,
                "sex": row.sex,
                "nationality": row.nationality,
                "aliases": list(row.aliases),
                "languages": list(row.languages),
                "version": len(cases),
                "created_at": stamp(first.events[0][5], first.events[0][6]),
                "updated_at": stamp(last.events[0][5], last.events[0][6]),
                "updated_by_id": last.inquirer if len(cases) > 1 else None,
            })

        applications, events, truth = [], [], []
        for c in order:
            aid = app_id[c.idx]
            last = c.events[-1]
            lodged = date.fromordinal(c.lodge)
            applications.append({
                "id": aid,
                "case_number": f"{self.office_codes.get(c.office, 'TOK')}-{lodged.year}-{aid:07d}",
                "person_id": person_id[c.person],
                "nationality": self.persons[c.person].nationality,
                "application_number": c.app_number,
                "previous_application_id": app_id[c.prev] if c.prev is not None else None,
                "application_type": c.app_type,
                "lodged_date": lodged,
                "office": c.office,
                "residence_status_at_filing": c.status,
                "activities_ceased": c.ceased,
                "removal_procedure": c.removal_procedure,
                "detained": c.detained,
                "claim_narrative": c.narrative.text,
                "claim_language": "en",
                "name_as_entered": c.name_entered,
                "date_of_birth_as_entered": c.dob_entered,
                "reasonable_grounds_materials": c.materials,
                "sorting_category": c.f_category,
                "residence_measure": c.f_measure,
                "removal_suspension": c.suspension,
                # Newly received cases wait in the manager's queue for an inquirer.
                "assigned_inquirer_id": None if c.state == _RECEIVED else c.inquirer,
                "state": c.state,
                "outcome": c.f_outcome,
                "decision_drafted_by_id": c.drafted_by,
                "notice_date": date.fromordinal(c.notice) if c.notice is not None else None,
                "review_basis": c.review_basis,
                "review_filed_date": date.fromordinal(c.filed) if c.filed is not None else None,
                "review_late_reason": c.late_reason,
                "review_ruling": c.ruling,
                **_milestones(c.events),
                "version": len(c.events),
                "created_at": stamp(c.events[0][5], c.events[0][6]),
                "updated_at": stamp(last[5], last[6]),
                "updated_by_id": last[3],
            })
            for action, from_state, to_state, actor, reason, day, sec in c.events:
                events.append({
                    "application_id": aid,
                    "action": action,
                    "from_state": from_state,
                    "to_state": to_state,
                    "actor_id": actor,
                    "reason": reason,
                    "occurred_at": stamp(day, sec),
                })
            truth.append({
                "application_id": aid,
                "true_person": c.true_person,
                "history": c.history,
                "nationality": c.nationality,
                "repeat": c.prev is not None,
                "planned_outcome": c.outcome,
                "planned_category": c.category,
                "decision_days_drawn": c.decision_days_drawn,
                "decision_days": c.decision_days,
                "review_days": c.review_days,
                "themes": c.narrative.themes,
                "voice": c.narrative.voice,
                "length": c.narrative.length,
                "repeat_narrative": c.narrative.repeat,
                "name_variant": c.name_variant,
                "dob_swapped": c.dob_swapped,
                "dob_year_only": c.dob_year_only,
                "reuses_person_row": c.reuse,
            })
        return GeneratedData(self.requested, self.seed, self.as_of, persons, applications,
                             events, truth)


def _milestones(case_events: list[tuple]) -> dict[str, date | None]:
    """Milestone columns from the case's events, as the workflow writes them."""
    current: dict[str, date | None] = dict.fromkeys(MILESTONE_COLUMNS)
    for action, _from, _to, _actor, _reason, day, _sec in case_events:
        current.update(milestone_updates(current, action, date.fromordinal(day)))
    return current
