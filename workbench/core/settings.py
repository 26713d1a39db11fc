"""Settings read from the environment (prefix ``WORKBENCH_``) with sensible defaults."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATA_DIR = Path("var")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WORKBENCH_", extra="ignore")

    #: SQLAlchemy URL. Empty means a SQLite file ``workbench.core.db`` in ``data_dir``.
    database_url: str = ""
    data_dir: Path = DEFAULT_DATA_DIR
    #: The office's language for the workbench (``ja`` or ``en``): what a user who has not
    #: chosen one sees. Empty: the browser's language decides, else English.
    language: str = ""
    #: Office time zone used to show times and to decide what "today" is.
    timezone: str = "Asia/Tokyo"
    #: Country whose public holidays extend deadlines that end on a closed day.
    holiday_country: str = "JP"

    # Clocks of the procedure.
    sorting_limit_months: int = Field(default=2, ge=1)
    standard_period_months: int = Field(default=6, ge=1)
    review_window_days: int = Field(default=7, ge=1)
    #: Who issues the notice of decision, as printed on it in Japanese and in English. Empty:
    #: the Minister of Justice (法務大臣), who decides under Art. 61-2; an office whose
    #: Regional Immigration Services Bureau director issues notices under delegation names
    #: them here (東京出入国在留管理局長). A request for review is filed with the Minister
    #: either way.
    notice_authority_ja: str = ""
    notice_authority_en: str = ""
    review_deadline_rolls_past_closed_days: bool = True
    #: Offices close from 29 December to 3 January (Japan's administrative holidays).
    year_end_closure: bool = True

    # Accounts.
    #: Failed sign-ins in a row for one account name (existing or not) before each further
    #: attempt must wait; the wait starts at ``sign_in_delay_seconds`` and doubles with every
    #: further failure up to ``sign_in_max_delay_seconds``. Nothing locks for good.
    sign_in_free_failures: int = Field(default=5, ge=1)
    #: The same for one client (network address) across all account names: higher, as an
    #: office behind one address has many users.
    sign_in_client_free_failures: int = Field(default=20, ge=1)
    sign_in_delay_seconds: int = Field(default=5, ge=1)
    sign_in_max_delay_seconds: int = Field(default=900, ge=1)
    #: Failures older than this are forgotten.
    sign_in_failure_memory_hours: int = Field(default=24, ge=1)
    #: A client from which an account signed in within this many days skips the account's
    #: wait (not its own): a guesser elsewhere cannot keep the owner out.
    sign_in_known_client_days: int = Field(default=90, ge=1)
    idle_timeout_minutes: int = Field(default=30, ge=1)

    # Sign-in through the office's identity provider (OpenID Connect), beside the built-in
    # accounts. Empty metadata URL: off.
    #: The provider's discovery document (``…/.well-known/openid-configuration``).
    oidc_metadata_url: str = ""
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    #: This app's callback address as registered with the provider
    #: (``http://HOST:PORT/oauth2callback``).
    oidc_redirect_uri: str = ""
    #: Signs the identity cookie of Streamlit's sign-in; every app process behind one
    #: address needs the same value. Empty: a random value per process (one process only).
    oidc_cookie_secret: str = ""
    #: The label of the sign-in button ("Sign in with …").
    oidc_label: str = "the office account"
    #: The ID-token claim listing the user's groups.
    oidc_groups_claim: str = "groups"
    #: Provider group -> role (inquirer, manager, counsellor, admin), as JSON in the
    #: environment. The first group of this mapping that the user is in decides the role;
    #: a user in none of them is refused.
    oidc_role_groups: dict[str, str] = Field(default_factory=dict)

    # COI library.
    #: Where the library keeps its own copy of every ingested file (empty: data_dir/coi-store).
    coi_store_dir: Path | None = None
    #: Largest file accepted for ingestion, in megabytes.
    coi_max_file_mb: int = Field(default=50, ge=1)
    #: Time and memory allowed to read one file (in a separate process).
    coi_extract_timeout_seconds: float = Field(default=120.0, gt=0)
    coi_extract_memory_mb: int = Field(default=1024, ge=128)
    #: Parallel extraction workers (0: one per CPU core).
    coi_workers: int = Field(default=0, ge=0)
    #: Passages published longer ago than this many years carry a currency warning.
    coi_currency_years: int = Field(default=3, ge=1)

    # Triage.
    #: The triage model file (empty: data/triage/model/triage.skops).
    triage_model_path: Path | None = None
    #: Bulk confirmation is offered only for suggestions at least this confident.
    triage_bulk_min_confidence: float = Field(default=0.9, ge=0.0, le=1.0)
    #: Share of confirmed B and C sortings sampled for a manager's second look.
    triage_qc_sample_rate: float = Field(default=0.25, ge=0.0, le=1.0)
    #: Applications triaged per model call in a batch run.
    triage_batch_size: int = Field(default=64, ge=1)

    # Administrative review.
    #: Where new evidence filed with a request for review is kept (empty: data_dir/appeal-store).
    appeal_store_dir: Path | None = None
    #: Largest evidence file accepted, in megabytes, and how many files one request may hold.
    appeal_max_file_mb: int = Field(default=20, ge=1)
    appeal_max_files: int = Field(default=100, ge=1)

    # Forecast.
    #: Simulation runs of each forecast the dashboard shows (its bands are the 10th and 90th
    #: percentiles over the runs; fewer runs are quicker and rougher).
    forecast_runs: int = Field(default=200, ge=10, le=1000)  # the service takes up to 1000

    #: When set, every script run of the app appends its duration to this file (for the
    #: load benchmark: how long the server itself takes, apart from the browser's work).
    run_timing_log: Path | None = None

    #: SQLite busy timeout (milliseconds) while waiting for the single writer.
    sqlite_busy_timeout_ms: int = 15_000

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        value = value.strip().lower()
        if value and value not in ("en", "ja"):
            raise ValueError("language must be 'ja', 'en' or empty (the browser's language)")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        ZoneInfo(value)  # raises for an unknown zone
        return value

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_metadata_url and self.oidc_client_id)

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'workbench.core.db').resolve()}"

    @property
    def resolved_coi_store(self) -> Path:
        return self.coi_store_dir or (self.data_dir / "coi-store")

    @property
    def resolved_appeal_store(self) -> Path:
        return self.appeal_store_dir or (self.data_dir / "appeal-store")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
