"""User administration (pages/users.py): the account list, creating accounts, disabling and
enabling, new passwords and role changes; other roles are refused by the service."""

from __future__ import annotations

import pytest

from models import Role
from tests.app.conftest import signed_in
from tests.app.helpers import (
    audit_entries,
    button,
    by_label,
    page_as,
    table,
    user_row,
)
from tests.conftest import PASSWORD
from workbench.core.auth import authenticate, verify_password
from workbench.core.errors import AuthenticationFailed

NEW_PASSWORD = "a-brand-new-passphrase"


def _usernames(at) -> list[str]:  # noqa: ANN001
    return [r["User name"] for r in table(at, having="User name")]


def _users():  # noqa: ANN202
    at = signed_in("adm.one")
    assert at.title[0].value == "Users"
    return at


def test_the_table_lists_the_accounts(app_db) -> None:  # noqa: ANN001
    at = _users()
    assert not at.exception
    rows = {r["User name"]: r for r in table(at, having="User name")}
    assert sorted(rows) == ["adm.one", "cns.one", "inq.one", "inq.two", "mgr.one", "mgr.two"]
    assert rows["inq.one"]["Full name"] == "Ines Inquirer"
    assert rows["inq.one"]["Role"] == "Refugee inquirer"
    assert rows["cns.one"]["Role"] == "Refugee examination counsellor"
    assert rows["inq.one"]["Active"] == "✓"


def _fill_create_form(at, *, username: str, password: str, role: Role = Role.INQUIRER,  # noqa: ANN001
                      display_name: str = "Nora New") -> None:
    by_label(at.text_input, "User name").input(username)
    by_label(at.text_input, "Full name").input(display_name)
    by_label(at.selectbox, "Role").set_value(role)
    by_label(at.text_input, "Office").input("OSAKA")
    by_label(at.text_input, "Initial password").input(password)


def test_create_an_account(app_db) -> None:  # noqa: ANN001
    engine, staff = app_db
    at = _users()
    _fill_create_form(at, username="Nora.New", password=NEW_PASSWORD,
                      role=Role.COUNSELLOR)

    button(at, "Create account").click().run()

    assert not at.exception
    assert [s.value for s in at.success] == ["Account nora.new created."]
    assert "nora.new" in _usernames(at)
    user = user_row(engine, "nora.new")
    assert (user.display_name, user.role, user.office, user.is_active) == (
        "Nora New", Role.COUNSELLOR, "OSAKA", True)
    assert NEW_PASSWORD not in user.password_hash
    assert user.password_hash.startswith("$argon2")
    assert verify_password(user.password_hash, NEW_PASSWORD)
    created = audit_entries(engine, "user.create")
    assert [(e.actor_id, int(e.entity_id)) for e in created] == [(staff.admin.id, user.id)]


def test_too_short_password_creates_nothing(app_db) -> None:  # noqa: ANN001
    engine, _ = app_db
    at = _users()
    _fill_create_form(at, username="short.pw", password="short")

    button(at, "Create account").click().run()

    assert not at.exception
    assert [e.value for e in at.error] == \
        ["This password cannot be used: it needs at least 10 characters."]
    assert not at.success
    assert user_row(engine, "short.pw") is None
    assert "short.pw" not in _usernames(at)


def test_a_refused_account_keeps_what_was_typed(app_db) -> None:  # noqa: ANN001
    """A validation error leaves every field as it was, so that only the wrong one is fixed;
    once the account is created the form starts empty again."""
    engine, _ = app_db
    at = _users()
    _fill_create_form(at, username="kept.values", password="short", role=Role.MANAGER,
                      display_name="Kim Kept")
    by_label(at.text_input, "Field of expertise (counsellors)").input("law")
    button(at, "Create account").click().run()
    assert [e.value for e in at.error] == \
        ["This password cannot be used: it needs at least 10 characters."]
    assert by_label(at.text_input, "User name").value == "kept.values"
    assert by_label(at.text_input, "Full name").value == "Kim Kept"
    assert by_label(at.selectbox, "Role").value == Role.MANAGER
    assert by_label(at.text_input, "Office").value == "OSAKA"
    assert by_label(at.text_input, "Field of expertise (counsellors)").value == "law"
    assert by_label(at.text_input, "Initial password").value == "short"

    by_label(at.text_input, "Initial password").input(NEW_PASSWORD)
    button(at, "Create account").click().run()
    assert [s.value for s in at.success] == ["Account kept.values created."]
    assert user_row(engine, "kept.values").role == Role.MANAGER
    assert by_label(at.text_input, "User name").value == ""
    assert by_label(at.text_input, "Initial password").value == ""


def test_a_too_long_field_is_refused_in_the_products_words(app_db) -> None:  # noqa: ANN001
    """The service tells a field over its limit in the product's words (the page's fields
    already stop at the limit)."""
    from workbench.core.auth import prepare_new_user
    from workbench.core.errors import ValidationError

    with pytest.raises(ValidationError) as refused:
        prepare_new_user({"username": "long.office", "display_name": "Lou Long",
                          "role": Role.INQUIRER, "office": "O" * 40,
                          "password": NEW_PASSWORD})
    assert str(refused.value) == "office: at most 32 characters."
    with pytest.raises(ValidationError) as refused:
        prepare_new_user({"username": "x" * 70, "display_name": "Lou Long",
                          "role": Role.INQUIRER, "password": NEW_PASSWORD})
    assert str(refused.value) == "username: at most 64 characters."
    at = _users()
    assert by_label(at.text_input, "Office").max_chars == 32


def test_taken_user_name_is_refused(app_db) -> None:  # noqa: ANN001
    at = _users()
    _fill_create_form(at, username="inq.one", password=NEW_PASSWORD)
    button(at, "Create account").click().run()
    assert [e.value for e in at.error] == ["The user name 'inq.one' is already taken."]


def _choose(at, username: str):  # noqa: ANN001, ANN202
    picker = at.selectbox(key="users_pick")
    index = next(i for i, o in enumerate(picker.options) if o.startswith(f"{username} — "))
    return picker.select_index(index).run()


def test_disable_then_enable_an_account(app_db) -> None:  # noqa: ANN001
    engine, _ = app_db
    at = _choose(_users(), "inq.two")

    button(at, "Disable").click().run()

    assert [s.value for s in at.success] == ["inq.two is disabled."]
    assert user_row(engine, "inq.two").is_active is False
    rows = {r["User name"]: r for r in table(at, having="User name")}
    assert rows["inq.two"]["Active"] == "✗"
    with pytest.raises(AuthenticationFailed):
        authenticate("inq.two", PASSWORD, engine=engine)

    at = _choose(at, "inq.two")
    button(at, "Enable").click().run()

    assert [s.value for s in at.success] == ["inq.two is enabled."]
    assert user_row(engine, "inq.two").is_active is True
    assert authenticate("inq.two", PASSWORD, engine=engine).username == "inq.two"


def test_set_a_new_password(app_db) -> None:  # noqa: ANN001
    engine, _ = app_db
    at = _choose(_users(), "inq.two")

    by_label(at.text_input, "New password").input(NEW_PASSWORD)
    button(at, "Set password").click().run()

    assert [s.value for s in at.success] == \
        ["Password set for inq.two. Waiting times after failed sign-ins are cleared."]
    assert authenticate("inq.two", NEW_PASSWORD, engine=engine).username == "inq.two"
    with pytest.raises(AuthenticationFailed):
        authenticate("inq.two", PASSWORD, engine=engine)
    assert len(audit_entries(engine, "user.reset_password")) == 1


def test_too_short_new_password_is_refused(app_db) -> None:  # noqa: ANN001
    engine, _ = app_db
    at = _choose(_users(), "inq.two")
    by_label(at.text_input, "New password").input("short")
    button(at, "Set password").click().run()
    assert [e.value for e in at.error] == \
        ["This password cannot be used: it needs at least 10 characters."]
    assert authenticate("inq.two", PASSWORD, engine=engine).username == "inq.two"


def test_change_role(app_db) -> None:  # noqa: ANN001
    engine, _ = app_db
    at = _choose(_users(), "inq.two")
    role = by_label(at.selectbox, "Change role")
    assert role.value == Role.INQUIRER

    role.set_value(Role.MANAGER)
    button(at, "Save role").click().run()

    assert not at.exception
    assert [s.value for s in at.success] == ["inq.two is now Manager."]
    assert user_row(engine, "inq.two").role == Role.MANAGER
    rows = {r["User name"]: r for r in table(at, having="User name")}
    assert rows["inq.two"]["Role"] == "Manager"


def test_admin_cannot_disable_their_own_account(app_db) -> None:  # noqa: ANN001
    engine, _ = app_db
    at = _choose(_users(), "adm.one")
    button(at, "Disable").click().run()
    assert [e.value for e in at.error] == [
        "You cannot disable your own account or remove your own admin role."]
    assert user_row(engine, "adm.one").is_active is True


def test_users_page_is_not_in_a_managers_menu(app_db) -> None:  # noqa: ANN001
    at = signed_in("mgr.one")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("../pages/users.py")


def test_manager_reaching_the_users_page_is_refused_by_the_service(app_db) -> None:  # noqa: ANN001
    engine, staff = app_db
    at = page_as("users.py", staff.manager)
    assert not at.exception
    assert [e.value for e in at.error] == ["Your role may not manage user accounts."]
    assert not at.dataframe and not at.button
    denied = audit_entries(engine, "user.list", actor_id=staff.manager.id)
    assert [e.outcome for e in denied] == ["denied"]
