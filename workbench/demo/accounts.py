"""Demo accounts for every role, with documented fixed passwords.

These accounts exist only for demonstrations and tests: never load them into a database that
holds real cases. The README quotes ``DEMO_ACCOUNTS``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, insert, select

from models import Role, User
from models.types import utcnow
from workbench.core import audit
from workbench.core.actor import Actor
from workbench.core.auth import hash_password
from workbench.core.db import unit_of_work
from workbench.core.errors import ValidationError


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: Role
    display_name: str
    office: str | None = None
    expertise: str | None = None
    id: int | None = None


def _account(username: str, role: Role, display_name: str, office: str | None,
             expertise: str | None = None) -> DemoAccount:
    return DemoAccount(username, f"{username}-demo-pass", role, display_name, office, expertise)


#: Every demo account: user name, password (``<username>-demo-pass``), role, office and, for
#: counsellors, field of expertise. Order matters: it is the insertion order.
DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    _account("admin", Role.ADMIN, "Demo Administrator", "TOKYO"),
    _account("manager1", Role.MANAGER, "Manager Sato (Tokyo)", "TOKYO"),
    _account("manager2", Role.MANAGER, "Manager Nakamura (Osaka)", "OSAKA"),
    _account("inquirer1", Role.INQUIRER, "Inquirer Tanaka", "TOKYO"),
    _account("inquirer2", Role.INQUIRER, "Inquirer Suzuki", "TOKYO"),
    _account("inquirer3", Role.INQUIRER, "Inquirer Takahashi", "TOKYO"),
    _account("inquirer4", Role.INQUIRER, "Inquirer Watanabe", "OSAKA"),
    _account("inquirer5", Role.INQUIRER, "Inquirer Ito", "NAGOYA"),
    _account("inquirer6", Role.INQUIRER, "Inquirer Yamamoto", "FUKUOKA"),
    _account("counsellor1", Role.COUNSELLOR, "Counsellor Kobayashi", "TOKYO", "law"),
    _account("counsellor2", Role.COUNSELLOR, "Counsellor Kato", "TOKYO", "international affairs"),
    _account("counsellor3", Role.COUNSELLOR, "Counsellor Yoshida", "TOKYO", "regional studies"),
    _account("counsellor4", Role.COUNSELLOR, "Counsellor Yamada", "OSAKA", "law"),
    _account("counsellor5", Role.COUNSELLOR, "Counsellor Sasaki", "OSAKA",
             "international affairs"),
    _account("counsellor6", Role.COUNSELLOR, "Counsellor Matsumoto", "OSAKA",
             "regional studies"),
)

#: Offices whose cases go to inquirers and managers of another office (no demo staff there).
OFFICE_COVER: dict[str, str] = {
    "TOKYO": "TOKYO",
    "SAPPORO": "TOKYO",
    "SENDAI": "TOKYO",
    "NAGOYA": "NAGOYA",
    "OSAKA": "OSAKA",
    "HIROSHIMA": "OSAKA",
    "TAKAMATSU": "OSAKA",
    "FUKUOKA": "FUKUOKA",
}

#: Which manager approves the cases of each covering office.
MANAGER_REGION: dict[str, str] = {
    "TOKYO": "TOKYO",
    "NAGOYA": "TOKYO",
    "OSAKA": "OSAKA",
    "FUKUOKA": "OSAKA",
}


def ensure_demo_accounts(engine: Engine) -> list[DemoAccount]:
    """Create the demo accounts that are missing; return all of them with their ids.

    Idempotent: existing accounts are left as they are (their passwords are not reset). One
    audit event ``demo.accounts`` is written when accounts are created.
    """
    with unit_of_work(engine) as session:
        existing = {
            row.username: row
            for row in session.execute(
                select(User.id, User.username, User.role).where(
                    User.username.in_([a.username for a in DEMO_ACCOUNTS]))
            )
        }
        for account in DEMO_ACCOUNTS:
            row = existing.get(account.username)
            if row is not None and Role(row.role) != account.role:
                raise ValidationError(
                    f"A user named {account.username!r} already exists with the role "
                    f"{row.role}, not {account.role.value}; the demo accounts cannot be created "
                    "in this database."
                )
        missing = [a for a in DEMO_ACCOUNTS if a.username not in existing]
        if missing:
            now = utcnow()
            session.execute(
                insert(User.__table__),
                [
                    {
                        "username": a.username,
                        "display_name": a.display_name,
                        "role": a.role.value,
                        "office": a.office,
                        "expertise": a.expertise,
                        "password_hash": hash_password(a.password),
                        "is_active": True,
                        "last_login_at": None,
                        "version": 1,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for a in missing
                ],
            )
            audit.record(
                session,
                actor=Actor.system("demo"),
                action="demo.accounts",
                entity_type="user",
                details={"created": [a.username for a in missing],
                         "roles": sorted({a.role.value for a in missing})},
            )
        ids = dict(
            session.execute(
                select(User.username, User.id).where(
                    User.username.in_([a.username for a in DEMO_ACCOUNTS]))
            ).all()
        )
    return [
        DemoAccount(a.username, a.password, a.role, a.display_name, a.office, a.expertise,
                    ids[a.username])
        for a in DEMO_ACCOUNTS
    ]


__all__ = ["DEMO_ACCOUNTS", "MANAGER_REGION", "OFFICE_COVER", "DemoAccount",
           "ensure_demo_accounts"]
