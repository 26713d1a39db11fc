"""The acting user, as a plain value passed to every service."""

from __future__ import annotations

from dataclasses import dataclass

from models import Role, User


@dataclass(frozen=True)
class Actor:
    """Who is acting: a plain value kept in the UI session and passed to every service."""

    id: int | None
    username: str
    display_name: str
    role: Role | None
    is_system: bool = False
    #: The language the user chose for the workbench; None: not chosen.
    language: str | None = None

    @classmethod
    def system(cls, purpose: str = "system") -> Actor:
        """The command line and batch jobs. May administer accounts and load data but
        cannot take decisions that need a person, such as confirming a sorting."""
        return cls(id=None, username=f"system:{purpose}", display_name=purpose, role=None,
                   is_system=True)

    @classmethod
    def of(cls, user: User) -> Actor:
        return cls(id=user.id, username=user.username, display_name=user.display_name,
                   role=Role(user.role), language=user.language)
