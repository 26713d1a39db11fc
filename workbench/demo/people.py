"""Step 3 of the demo generator, people: a new applicant, a repeat application linked to the
earlier case of the same person (spelling variants, date of birth as entered, Person row
reused or not), and the history case made for a repeat applicant who has none.
"""

from __future__ import annotations

from datetime import date

from models.enums import RemovalSuspension, ResidenceStatus, SortingCategory
from workbench.demo import names as namegen
from workbench.demo.parameters import by_year
from workbench.demo.records import _NO_STATUS, _NR, _REFUGEE, OFFICE_SECONDS, _Case, _Person


class _People:
    """The persons behind the generated cases."""

    # --- step 3: people ------------------------------------------------------------------

    def _new_person(self, case: _Case) -> _Person:
        rng, p = self.rng, self.p
        people = p["people"]
        male = people["male_share"].get(case.nationality, people["male_share"]["default"])
        draw = rng.random()
        sex = ("X" if draw < people["other_sex_share"] else
               "M" if draw < people["other_sex_share"] + male * (1 - people["other_sex_share"])
               else "F")
        name = namegen.make_name(rng, case.nationality, sex)
        lodged = date.fromordinal(case.lodge)
        dob: date | None = namegen.birth_date(rng, lodged, people["minor_share"],
                                              people["older_share"])
        birth_year = dob.year
        if rng.random() < people["dob_unknown_share"]:
            dob = None
        bank = namegen.tables().banks[name.bank]
        languages = [bank.languages[0]]
        if len(bank.languages) > 1 and rng.random() < 0.5:
            languages.append(bank.languages[1])
        if "en" not in languages and rng.random() < 0.12:
            languages.append("en")
        original = name.original if (name.original and rng.random()
                                     < people["name_original_recorded_share"]) else None
        person = _Person(len(self.persons), name, name.family, name.given, original, dob,
                         birth_year, sex, case.nationality, languages, len(self.persons))
        self.persons.append(person)
        person.registrations.append(case.idx)
        case.person = person.idx
        case.true_person = person.true_person
        case.app_number = 1
        case.name_entered = name.entered()
        case.dob_entered = dob
        return person

    def _link_repeat(self, case: _Case, prev: _Case) -> None:
        rng, r = self.rng, self.p["repeats"]
        case.prev = prev.idx
        case.app_number = prev.app_number + 1
        case.true_person = prev.true_person
        true = self.persons[prev.true_person]
        name = true.name
        if rng.random() < r["spelling_variant_share"]:
            variant = namegen.spelling_variant(rng, name)
            case.name_variant = True
        else:
            variant = namegen.Variant(name.family, name.given, False)
        entered = variant.entered(name.order)
        dob = true.dob
        dob_entered = dob
        if dob is not None:
            draw = rng.random()
            if draw < r["dob_swapped_share"]:
                swapped = namegen.swap_day_month(dob)
                if swapped is not None:
                    dob_entered = swapped
                    case.dob_swapped = True
            elif draw < r["dob_swapped_share"] + r["dob_year_only_share"]:
                dob_entered = None
                case.dob_year_only = True
        case.name_entered = entered
        case.dob_entered = dob_entered
        if rng.random() < r["reuse_person_share"]:
            case.reuse = True
            row = self.persons[prev.person]
            registered = format_registered(row)
            if entered != registered and entered not in row.aliases:
                row.aliases.append(entered)
            row.registrations.append(case.idx)
            case.person = row.idx
        else:
            family, given = ((variant.given, variant.family) if variant.swapped and variant.given
                             else (variant.family, variant.given))
            keep_original = true.original if rng.random() < 0.7 else None
            row = _Person(len(self.persons), name, family, given, keep_original, dob_entered,
                          true.birth_year, true.sex, true.nationality, list(true.languages),
                          true.true_person)
            self.persons.append(row)
            row.registrations.append(case.idx)
            case.person = row.idx
        if case.app_number >= 3:
            case.materials = rng.random() < r["reasonable_grounds_share"]
            if not case.materials and case.lodge >= self.exception_from:
                case.suspension = RemovalSuspension.EXCEPTION_THIRD_APPLICATION.value

    def _history_case(self, case: _Case) -> _Case:
        """An earlier application of the person behind ``case``, lodged from 2018 and
        closed (not recognised) before ``case`` was lodged."""
        rng, p = self.rng, self.p
        gap = p["repeats"]["min_gap_days"]
        low = self.history_start.toordinal()
        window_start = date(p["window"]["first_year"], 1, 1).toordinal()
        final_by = case.lodge - rng.randint(gap + 15, 90 if case.lodge < window_start + 240
                                            else 420)
        final_by = max(final_by, low + 240)
        high = max(low, min(final_by - 220, window_start - 1))
        days = self.cal.open_between(low, high + 1) or [self.cal.snap(low)]
        lodged = rng.choice(days)
        year = date.fromordinal(lodged).year
        history = _Case(len(self.cases), _REFUGEE, year, lodged, case.nationality)
        self.cases.append(history)
        history.history = True
        history.reg_sec = rng.randrange(OFFICE_SECONDS - 3600)
        history.office = case.office
        shares = list(by_year(p["residence"], p["window"]["first_year"]).items())
        history.status = rng.choices([k for k, _ in shares], weights=[w for _, w in shares])[0]
        if history.status == ResidenceStatus.DA_REFUGEE_APPLICANT.value:
            history.status = ResidenceStatus.TEMPORARY_VISITOR.value
        history.ceased = rng.random() < p["residence"]["activities_ceased"].get(
            history.status, 0.0)
        history.outcome = _NR
        if history.status == _NO_STATUS:
            history.category = SortingCategory.NOT_APPLICABLE.value
        elif rng.random() < 0.05:
            history.category = SortingCategory.B.value
        else:
            history.category = self._d_category(history)
        self._plan_flags(history)
        self._new_person(history)
        self._simulate_history(history, final_by)
        self._narrate(history)
        return history



def format_registered(row: _Person) -> str:
    """The spelling a Person row was registered under, written in its usual order."""
    return namegen.format_name(row.family, row.given, row.name.order)
