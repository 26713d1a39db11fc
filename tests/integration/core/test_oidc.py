"""Accounts signed in through the office's identity provider: created on first sign-in, their
role following the provider's groups, refused when no mapped group holds them or when the
account is disabled here; every outcome audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from models import Role, User, UserIdentity
from tests.app.helpers import audit_entries, details
from workbench.core import auth
from workbench.core.db import unit_of_work
from workbench.core.errors import AuthenticationFailed
from workbench.core.oidc import NO_PASSWORD, role_for, sign_in_with_claims, streamlit_secrets
from workbench.core.settings import Settings

SETTINGS = Settings(oidc_metadata_url="http://127.0.0.1:9/.well-known/openid-configuration",
                    oidc_client_id="workbench", oidc_client_secret="secret",
                    oidc_redirect_uri="http://127.0.0.1:8501/oauth2callback",
                    oidc_role_groups={"wb-managers": "manager", "wb-inquirers": "inquirer",
                                      "wb-typo": "chief"})
ISS = "https://idp.office.test"


def _claims(sub: str = "u-1", groups: object = ("staff", "wb-inquirers"), **more) -> dict:  # noqa: ANN003
    return {"iss": ISS, "sub": sub, "iat": 1_800_000_000, "groups": list(groups)
            if not isinstance(groups, str) else groups, **more}


def test_first_sign_in_creates_a_linked_account(engine, staff) -> None:  # noqa: ANN001
    actor = sign_in_with_claims(_claims(name="Keiko Ito", preferred_username="Keiko.Ito"),
                                engine=engine, settings=SETTINGS)
    assert (actor.role, actor.display_name, actor.username) == (
        Role.INQUIRER, "Keiko Ito", "keiko.ito")
    with unit_of_work(engine, write=False) as s:
        user = s.get(User, actor.id)
        link = s.execute(select(UserIdentity)).scalar_one()
        assert (link.issuer, link.subject, link.user_id) == (ISS, "u-1", actor.id)
        assert user.password_hash == NO_PASSWORD
    # No password signs the account in.
    with pytest.raises(AuthenticationFailed):
        auth.authenticate("keiko.ito", NO_PASSWORD, engine=engine)
    assert [details(e)["via"] for e in audit_entries(engine, "user.create")] == [
        "identity provider"]
    # The same subject signs in as the same account again.
    again = sign_in_with_claims(_claims(name="Keiko Ito"), engine=engine, settings=SETTINGS)
    assert again.id == actor.id


def test_a_taken_user_name_gets_a_suffix(engine, staff) -> None:  # noqa: ANN001
    actor = sign_in_with_claims(_claims(preferred_username="inq.one"), engine=engine,
                                settings=SETTINGS)
    assert actor.username == "inq.one-2" and actor.id != staff.inquirer.id


def test_the_role_follows_the_groups_at_every_sign_in(engine, staff) -> None:  # noqa: ANN001
    first = sign_in_with_claims(_claims(), engine=engine, settings=SETTINGS)
    moved = sign_in_with_claims(_claims(groups=["wb-managers"]), engine=engine,
                                settings=SETTINGS)
    assert (first.role, moved.role, moved.id) == (Role.INQUIRER, Role.MANAGER, first.id)
    changes = audit_entries(engine, "user.update", entity_id=first.id)
    assert [details(e)["fields"] for e in changes] == [["role"]]


def test_no_mapped_group_is_refused_and_audited(engine, staff) -> None:  # noqa: ANN001
    with pytest.raises(AuthenticationFailed, match="no group"):
        sign_in_with_claims(_claims(groups=["staff", "wb-typo"]), engine=engine,
                            settings=SETTINGS)
    with unit_of_work(engine, write=False) as s:
        assert s.execute(select(UserIdentity)).first() is None
    failed = [e for e in audit_entries(engine, "auth.sign_in") if e.outcome == "failed"]
    assert [details(e)["reason"] for e in failed] == ["no mapped group"]


def test_a_disabled_account_stays_disabled(engine, staff) -> None:  # noqa: ANN001
    actor = sign_in_with_claims(_claims(), engine=engine, settings=SETTINGS)
    with unit_of_work(engine) as s:
        s.execute(update(User).where(User.id == actor.id).values(is_active=False))
    with pytest.raises(AuthenticationFailed, match="disabled"):
        sign_in_with_claims(_claims(groups=["wb-managers"]), engine=engine, settings=SETTINGS)
    with unit_of_work(engine, write=False) as s:
        assert s.get(User, actor.id).role == Role.INQUIRER


@pytest.mark.parametrize(("groups", "role"), [
    (["wb-inquirers", "wb-managers"], Role.MANAGER),  # the mapping's order decides
    ("wb-inquirers", Role.INQUIRER),
    ([], None), (None, None), ({"wb-managers": 1}, None), (["wb-typo"], None),
])
def test_role_for(groups: object, role: Role | None) -> None:
    assert role_for(groups, SETTINGS) == role


def test_streamlit_secrets_only_when_configured() -> None:
    assert streamlit_secrets(Settings()) is None
    auth_section = streamlit_secrets(SETTINGS)["auth"]
    assert auth_section["redirect_uri"] == SETTINGS.oidc_redirect_uri
    assert auth_section["cookie_secret"]
    assert auth_section["office"]["client_id"] == "workbench"
