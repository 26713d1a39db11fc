"""The eligibility question bank: versioned interview questions kept as data.

The bank lives in ``data/eligibility/bank/<version>.toml``, one file per version (the format is
described in ``data/eligibility/README.md``). A recorded interview names the version it was
taken with, so an old file is never edited: ``load_bank(version)`` still shows an old record's
questions after a newer bank has been released.

Everything here is plain Python on top of ``tomllib``: the bank's parts (``model``), an
answer normalised for storage (``answers``), the bank as a whole (``bank``), the versions on
disk and loading one (``versions``), parsing and validating a bank, each problem refused with
a :class:`BankError` naming the file and line (``parser``, with ``source`` finding the lines),
and suggesting the specific profiles a written claim raises (``profiles``). This package's
public face is the names below.

Imports the core only.
"""

from workbench.examination.question_bank.bank import QuestionBank
from workbench.examination.question_bank.model import (
    ANSWER_TYPES,
    CHOICE_TYPES,
    CORE_SECTIONS,
    CUE_TYPES,
    DEFAULT_LANGUAGE,
    ELEMENTS,
    INCIDENTS_SECTION,
    LANGUAGES,
    PROFILES_QUESTION,
    BankError,
    Condition,
    Profile,
    Question,
    Section,
    choice_words,
    language_code,
)
from workbench.examination.question_bank.profiles import profiles_raised, suggested_questions
from workbench.examination.question_bank.versions import (
    BANK_DIR,
    available_versions,
    current_version,
    load_bank,
    parse_bank,
)

__all__ = [
    "ANSWER_TYPES", "BANK_DIR", "CHOICE_TYPES", "CORE_SECTIONS", "CUE_TYPES", "DEFAULT_LANGUAGE",
    "ELEMENTS", "INCIDENTS_SECTION", "LANGUAGES", "PROFILES_QUESTION", "BankError", "Condition",
    "Profile", "Question", "QuestionBank", "Section", "available_versions", "choice_words",
    "current_version", "language_code", "load_bank", "parse_bank", "profiles_raised",
    "suggested_questions",
]
