"""The ``workbench`` command line against a temporary SQLite database."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from workbench.cli import main
from workbench.core import auth
from workbench.core.db import dispose_engines, get_engine
from workbench.core.errors import AuthenticationFailed
from workbench.core.settings import get_settings

ALICE_PASSWORD = "lantern-orchard-quietly"


def flat(text: str) -> str:
    """The output as one line: rich wraps long messages to the console width."""
    return " ".join(text.split())


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "cli" / "workbench.core.db"
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.delenv("WORKBENCH_NEW_PASSWORD", raising=False)
    get_settings.cache_clear()
    dispose_engines()
    yield path
    dispose_engines()
    get_settings.cache_clear()


@pytest.fixture
def cli() -> CliRunner:
    return CliRunner()


def invoke(cli: CliRunner, *args: str) -> Result:
    return cli.invoke(main, list(args))


def assert_plain_failure(result: Result, exit_code: int = 1) -> str:
    """A refusal: non-zero exit, a plain message, no traceback."""
    assert result.exit_code == exit_code, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    return flat(result.output)


@pytest.fixture
def migrated(cli: CliRunner, db_path: Path) -> Path:
    result = invoke(cli, "db", "upgrade")
    assert result.exit_code == 0, result.output
    return db_path


def add_alice(cli: CliRunner) -> Result:
    return invoke(cli, "users", "add", "alice", "--role", "inquirer", "--name", "Alice A",
                  "--password", ALICE_PASSWORD)


def test_db_upgrade_then_check_succeed(cli: CliRunner, db_path: Path) -> None:
    assert not db_path.exists()
    result = invoke(cli, "db", "upgrade")
    assert result.exit_code == 0, result.output
    assert re.search(r"Database at revision \S+\.", result.output)
    assert "None" not in result.output
    assert db_path.exists()

    result = invoke(cli, "db", "check")
    assert result.exit_code == 0, result.output
    assert "Database schema is up to date." in result.output

    # upgrading again is harmless
    assert invoke(cli, "db", "upgrade").exit_code == 0
    assert invoke(cli, "db", "check").exit_code == 0


def test_db_check_on_an_unmigrated_database_names_the_fix(
    cli: CliRunner, db_path: Path,
) -> None:
    result = invoke(cli, "db", "check")
    output = assert_plain_failure(result)
    assert "Error:" in output
    assert "has no workbench schema" in output
    assert "workbench db upgrade" in output


def test_commands_refuse_to_work_on_an_unmigrated_database(
    cli: CliRunner, db_path: Path,
) -> None:
    output = assert_plain_failure(add_alice(cli))
    assert "workbench db upgrade" in output
    output = assert_plain_failure(invoke(cli, "audit", "verify"))
    assert "workbench db upgrade" in output


def test_users_add_then_list_shows_her(cli: CliRunner, migrated: Path) -> None:
    result = add_alice(cli)
    assert result.exit_code == 0, result.output
    assert "Created alice (inquirer)." in result.output
    assert ALICE_PASSWORD not in result.output

    result = invoke(cli, "users", "list", "--json")
    assert result.exit_code == 0, result.output
    users = json.loads(result.stdout)
    alice = [u for u in users if u["username"] == "alice"]
    assert len(alice) == 1
    assert alice[0]["display_name"] == "Alice A"
    assert alice[0]["role"] == "inquirer"
    assert alice[0]["is_active"] is True
    assert "password_hash" not in alice[0]
    assert ALICE_PASSWORD not in result.stdout

    # and she can sign in with that password
    actor = auth.authenticate("alice", ALICE_PASSWORD, engine=get_engine())
    assert actor.display_name == "Alice A"


def test_users_add_reads_the_password_from_the_environment(
    cli: CliRunner, migrated: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WORKBENCH_NEW_PASSWORD", ALICE_PASSWORD)
    result = invoke(cli, "users", "add", "bob", "--role", "manager", "--name", "Bob B")
    assert result.exit_code == 0, result.output
    assert auth.authenticate("bob", ALICE_PASSWORD, engine=get_engine()).username == "bob"


def test_disabled_user_cannot_sign_in(cli: CliRunner, migrated: Path) -> None:
    assert add_alice(cli).exit_code == 0
    result = invoke(cli, "users", "disable", "alice")
    assert result.exit_code == 0, result.output
    assert "Disabled alice." in result.output

    users = json.loads(invoke(cli, "users", "list", "--json").stdout)
    assert [u["is_active"] for u in users if u["username"] == "alice"] == [False]
    with pytest.raises(AuthenticationFailed, match="Unknown user name or wrong password"):
        auth.authenticate("alice", ALICE_PASSWORD, engine=get_engine())

    assert invoke(cli, "users", "enable", "alice").exit_code == 0
    assert auth.authenticate("alice", ALICE_PASSWORD, engine=get_engine()).username == "alice"


def test_disabling_an_unknown_user_is_a_plain_error(cli: CliRunner, migrated: Path) -> None:
    output = assert_plain_failure(invoke(cli, "users", "disable", "nobody"))
    assert "No user nobody." in output


def test_audit_verify_reports_an_intact_chain(cli: CliRunner, migrated: Path) -> None:
    assert add_alice(cli).exit_code == 0
    assert invoke(cli, "users", "add", "bob", "--role", "manager", "--name", "Bob B",
                  "--password", ALICE_PASSWORD).exit_code == 0
    result = invoke(cli, "audit", "verify")
    assert result.exit_code == 0, result.output
    assert "intact" in result.output
    assert "2 entries verified" in result.output


def test_audit_verify_names_a_tampered_entry(cli: CliRunner, migrated: Path) -> None:
    assert add_alice(cli).exit_code == 0
    assert invoke(cli, "users", "add", "bob", "--role", "manager", "--name", "Bob B",
                  "--password", ALICE_PASSWORD).exit_code == 0
    assert invoke(cli, "users", "disable", "alice").exit_code == 0
    assert invoke(cli, "audit", "verify").exit_code == 0
    dispose_engines()

    conn = sqlite3.connect(migrated)
    try:
        seqs = [row[0] for row in conn.execute("SELECT seq FROM audit_event ORDER BY seq")]
        assert seqs == [1, 2, 3]
        # The log is append-only until someone removes the guard.
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute("UPDATE audit_event SET details = '{}' WHERE seq = 2")
        conn.rollback()
        conn.execute("DROP TRIGGER audit_event_no_update")
        conn.execute("UPDATE audit_event SET details = '{\"role\":\"admin\"}' WHERE seq = 2")
        conn.commit()
    finally:
        conn.close()

    result = invoke(cli, "audit", "verify")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    output = flat(result.output)
    assert "broken at entry 2" in output
    assert "changed after it was written" in output
    assert "intact" not in output


def test_invalid_role_is_refused_plainly(cli: CliRunner, migrated: Path) -> None:
    result = invoke(cli, "users", "add", "carol", "--role", "judge", "--name", "Carol C",
                    "--password", ALICE_PASSWORD)
    output = assert_plain_failure(result, exit_code=2)
    assert "Invalid value for '--role'" in output
    assert "'judge'" in output
    users = json.loads(invoke(cli, "users", "list", "--json").stdout)
    assert [u["username"] for u in users] == []


def test_too_short_password_is_refused_plainly(cli: CliRunner, migrated: Path) -> None:
    result = invoke(cli, "users", "add", "carol", "--role", "inquirer", "--name", "Carol C",
                    "--password", "short")
    output = assert_plain_failure(result)
    assert "Error:" in output
    assert "password" in output
    assert "at least 10 characters" in output
    users = json.loads(invoke(cli, "users", "list", "--json").stdout)
    assert [u["username"] for u in users] == []


def test_duplicate_user_is_refused_plainly(cli: CliRunner, migrated: Path) -> None:
    assert add_alice(cli).exit_code == 0
    output = assert_plain_failure(add_alice(cli))
    assert "The user name 'alice' is already taken." in output


def test_audit_verify_checks_an_exported_head(cli: CliRunner, migrated: Path) -> None:
    assert add_alice(cli).exit_code == 0
    printed = invoke(cli, "audit", "verify").stdout
    head = printed.strip().rsplit("head ", 1)[1]
    seq, digest = head.split(":")
    assert seq.isdigit() and len(digest) == 64
    assert invoke(cli, "audit", "verify", "--head", head).exit_code == 0
    wrong = f"{seq}:{'0' * 64}"
    result = invoke(cli, "audit", "verify", "--head", wrong)
    assert result.exit_code == 2 and f"broken at entry {seq}" in result.stdout
    assert invoke(cli, "audit", "verify", "--head", "nonsense").exit_code != 0


# --- coi ------------------------------------------------------------------------------------


@pytest.fixture
def coi_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    store = tmp_path / "coi-store"
    monkeypatch.setenv("WORKBENCH_COI_STORE_DIR", str(store))
    get_settings.cache_clear()
    return store


def test_coi_ingest_reports_each_file_and_fails_when_one_fails(
        cli: CliRunner, migrated: Path, coi_store: Path, tmp_path: Path) -> None:
    from workbench.demo.coi_samples import COI_DATA_DIR

    good = COI_DATA_DIR / "documents" / "lka-tamils-2023.txt"
    bad = tmp_path / "scan.pdf"
    bad.write_bytes(b"not really a pdf")
    result = invoke(cli, "coi", "ingest", str(good), str(bad), "--country", "Sri Lanka",
                    "--workers", "1")
    output = flat(result.output)
    assert result.exit_code == 1, result.output
    assert "added" in output and "lka-tamils-2023.txt" in output
    assert "failed" in output and "not a PDF" in output
    assert "1 added, 0 already in the library, 1 failed." in output
    again = invoke(cli, "coi", "ingest", str(good))
    assert again.exit_code == 0, again.output
    assert "already in the library" in flat(again.output)


def test_coi_search_json_gives_one_object_per_hit(cli: CliRunner, migrated: Path,
                                                   coi_store: Path) -> None:
    from workbench.demo.coi_samples import COI_DATA_DIR

    docs = COI_DATA_DIR / "documents"
    result = invoke(cli, "coi", "ingest", str(docs / "lka-tamils-2023.txt"),
                    str(docs / "uga-sogi-2024.html"), "--workers", "2")
    assert result.exit_code == 0, result.output
    result = invoke(cli, "coi", "search", "detention OR detained", "--country", "Sri Lanka",
                    "--json", "--limit", "5")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert 1 <= len(lines) <= 5
    for hit in lines:
        assert {"document_id", "title", "source", "date", "page", "paragraph", "score",
                "snippet"} <= set(hit)
        assert "**" in hit["snippet"]
        assert "Sri Lanka" in hit["title"] or "Tamil" in hit["title"]
    text = invoke(cli, "coi", "search", '"unclosed')
    assert_plain_failure(text)
    assert "closing quotation mark" in flat(text.output)


def test_triage_countries_lists_and_loads_the_category_a_list(cli: CliRunner, migrated: Path,
                                                               tmp_path: Path) -> None:
    listing = invoke(cli, "triage", "countries")
    assert listing.exit_code == 0, listing.output
    before = {line.split("\t")[0] for line in listing.output.splitlines() if line}
    assert "AFG" in before  # the migration seeds the shipped list
    source = tmp_path / "a.toml"
    source.write_text('[[country]]\ncode = "HTI"\nreason = "gang violence beyond state '
                      'control"\nsince = 2024-03-01\n', encoding="utf-8")
    loaded = invoke(cli, "triage", "countries", "--load", str(source))
    assert loaded.exit_code == 0, loaded.output
    assert "1 added" in loaded.output
    after = invoke(cli, "triage", "countries").output
    assert "HTI\tactive\t2024-03-01\tgang violence beyond state control" in after
    broken = tmp_path / "broken.toml"
    broken.write_text('[[country]]\ncode = "Haiti"\nreason = "x"\n', encoding="utf-8")
    assert "alpha-3" in assert_plain_failure(invoke(cli, "triage", "countries", "--load",
                                                    str(broken)))


def test_triage_overrides_export_is_written_privately(cli: CliRunner, migrated: Path,
                                                      tmp_path: Path) -> None:
    target = tmp_path / "overrides.jsonl"
    result = invoke(cli, "triage", "overrides", "--output", str(target))
    assert result.exit_code == 0, result.output
    assert "0 override(s) written" in flat(result.output)
    assert target.read_text(encoding="utf-8") == ""
    assert target.stat().st_mode & 0o077 == 0  # readable by its owner only


def test_db_check_fails_when_the_audit_triggers_are_gone(
    cli: CliRunner, engine, monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
) -> None:
    from sqlalchemy import text

    monkeypatch.setenv("WORKBENCH_DATABASE_URL",
                       engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    dispose_engines()
    try:
        ok = invoke(cli, "db", "check")
        assert ok.exit_code == 0, ok.output
        assert "append-only" in ok.output
        with engine.begin() as conn:
            if engine.dialect.name == "sqlite":
                conn.execute(text("DROP TRIGGER audit_event_no_update"))
            else:
                conn.execute(text("DROP TRIGGER audit_event_no_change ON audit_event"))
        dispose_engines()
        output = assert_plain_failure(invoke(cli, "db", "check"))
        assert "audit log is not protected" in output
        assert ("audit_event_no_update" if engine.dialect.name == "sqlite"
                else "audit_event_no_change") in output
    finally:
        dispose_engines()
        get_settings.cache_clear()


def test_restore_of_an_older_backup_needs_force(cli: CliRunner, migrated: Path,
                                                 tmp_path: Path) -> None:
    snap = tmp_path / "snap.db"
    assert invoke(cli, "backup", str(snap)).exit_code == 0
    assert add_alice(cli).exit_code == 0
    output = assert_plain_failure(invoke(cli, "restore", str(snap), "--yes"))
    assert "older than the live database" in output and "user.create × 1" in output
    assert "--force" in output
    result = invoke(cli, "restore", str(snap), "--yes", "--force")
    assert result.exit_code == 0, result.output
    assert "intact" in result.output


def test_coi_ingest_of_a_folder_refuses_links_out_of_it_and_escapes_file_names(
        cli: CliRunner, migrated: Path, coi_store: Path, tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "\x1b[31mred\nfake-line.txt").write_text(
        "Tamil returnees were questioned at the airport in Colombo.\n")
    (folder / "passwd.txt").symlink_to("/etc/passwd")
    result = invoke(cli, "coi", "ingest", str(folder), "--country", "Sri Lanka",
                    "--workers", "1")
    assert result.exit_code == 1, result.output
    assert "\x1b" not in result.output and "\u202e" not in result.output
    output = flat(result.output)
    assert "\\x1b[31mred\\nfake-line.txt" in "".join(output.split())  # rich wraps lines
    assert "passwd.txt: a symbolic link to a file outside the folder" in output
    assert "1 added, 0 already in the library, 1 failed." in output
