"""Step 3 of the demo generator, narratives: the themes, voice and length of each case's
claim narrative (a repeat application reusing its predecessor's) and its composed text.
"""

from __future__ import annotations

from datetime import date

from workbench.demo import narratives
from workbench.demo.records import (
    _CAT_A,
    _CAT_B,
    _CAT_C,
    _CP,
    _NRH,
    _REF,
    _Case,
    _Person,
    _Weighted,
)


class _Narration:
    """The claim narratives of the generated cases."""

    # --- step 3: narratives --------------------------------------------------------------

    def _theme_pools(self, case: _Case, person: _Person) -> tuple[_Weighted, _Weighted,
                                                                   _Weighted]:
        """(primary, second-if-primary-is-a-Convention-or-conflict-theme, second-otherwise)
        theme pools for a case; cached by what they depend on."""
        if case.app_type == _CP:
            mode = "cp"
        elif case.outcome in (_REF, _NRH):
            mode = case.outcome
        elif case.category in (_CAT_A, _CAT_B):
            mode = case.category
        else:
            mode = "other"
        key = (case.nationality, person.name.bank, person.sex == "F", mode)
        pools = self._theme_cache.get(key)
        if pools is not None:
            return pools
        kinds = self.blocks.kinds
        prof = narratives.profile(case.nationality)
        default = narratives.profile("default")
        every = dict(prof.get("themes") or default["themes"])
        strong = dict(prof.get("strong") or default["strong"])
        if mode == "cp":
            pool = {"CONFLICT": 1.0}
        elif mode == _REF:
            pool = {k: v for k, v in strong.items() if kinds[k] == "convention"}
        elif mode == _NRH:
            pool = dict(strong)
            pool["CONFLICT"] = pool.get("CONFLICT", 0) + 1.5
        elif mode == _CAT_A:
            pool = dict(strong)
            pool["CONFLICT"] = pool.get("CONFLICT", 0) + 1.0
        elif mode == _CAT_B:
            pool = {k: v for k, v in every.items() if kinds[k] == "non_convention"}
        else:
            pool = every
        excluded = list(prof.get(f"exclude_{person.name.bank}", []))
        if person.sex != "F":
            excluded.append("GENDER")
        pool = {k: v for k, v in pool.items() if k not in excluded}
        every = {k: v for k, v in every.items() if k not in excluded}
        if not pool:
            pool = {k: v for k, v in default["themes"].items() if kinds[k] == "non_convention"}
        non_convention = {k: v for k, v in every.items() if kinds[k] == "non_convention"}
        convention = {k: v for k, v in every.items() if kinds[k] == "convention"}
        if mode in ("cp", _CAT_B):
            convention = non_convention
        pools = (_Weighted(pool), _Weighted(non_convention), _Weighted(convention))
        self._theme_cache[key] = pools
        return pools

    def _fresh_themes(self, case: _Case, person: _Person, length: str) -> tuple[str, ...]:
        rng = self.rng
        primary_pool, after_convention, after_other = self._theme_pools(case, person)
        primary = primary_pool.pick(rng)
        if length == "short" or rng.random() >= self.p["narratives"]["mix_share"]:
            return (primary,)
        second_pool = (after_other if self.blocks.kinds[primary] == "non_convention"
                       else after_convention)
        second = second_pool.pick_other(rng, primary)
        return (primary,) if second is None else (primary, second)

    def _narrate(self, case: _Case) -> None:
        rng = self.rng
        voice = self._voices.pick(rng)
        length = self._lengths.pick(rng)
        person = self.persons[case.person]
        repeat = None
        if case.prev is not None:
            prior = self.cases[case.prev].narrative
            if case.category == _CAT_C:
                themes = prior.themes if length != "short" else prior.themes[:1]
                repeat = "new" if rng.random() < 0.15 else "same"
            elif rng.random() < 0.6:
                themes = prior.themes if length != "short" else prior.themes[:1]
                repeat = "new"
            else:
                themes = self._fresh_themes(case, person, length)
                repeat = "new"
        else:
            themes = self._fresh_themes(case, person, length)
        nth_words = self.blocks.slots["nth"]
        lodged = date.fromordinal(case.lodge)
        dob = person.dob or date(person.birth_year, 7, 1)
        context = {
            "name": case.name_entered,
            "country": self.blocks.country_names.get(case.nationality, case.nationality),
            "age": max(1, lodged.year - dob.year - ((lodged.month, lodged.day)
                                                    < (dob.month, dob.day))),
            "sex": person.sex,
            "residence_status": case.status,
            "lodged_year": lodged.year,
            "nth": nth_words[min(len(nth_words), case.app_number - 1) - 1]
            if case.app_number >= 2 else "first",
            "profile": narratives.profile(case.nationality),
            "bank": person.name.bank,
        }
        case.narrative = narratives.compose(rng, voice=voice, length=length, themes=themes,
                                            context=context, repeat=repeat)
