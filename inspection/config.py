"""Service configuration: one settings class, read from ``INSPECTION_*`` variables or an env file."""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

#: The signing key used when none is configured. Accepted only in development mode.
DEVELOPMENT_SIGNING_KEY = "development-only-signing-key-do-not-deploy-0000"


class Settings(BaseSettings):
    """Everything the server reads from its environment, with safe defaults."""

    model_config = SettingsConfigDict(
        env_prefix="INSPECTION_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
    )

    development: bool = False
    listen: str = "127.0.0.1:50051"
    database_url: str = "sqlite:///var/inspection.db"
    signing_key: SecretStr = SecretStr(DEVELOPMENT_SIGNING_KEY)
    signing_key_file: Path | None = None
    tls_cert_file: Path | None = None
    tls_key_file: Path | None = None
    max_workers: int = Field(default=16, ge=1, le=256)
    # Server processes sharing the listen port (SO_REUSEPORT, turned on for this mode only; the
    # kernel spreads connections over them). 1: one process, today's default. More needs a fixed
    # port; the first process also serves health, metrics and the timers (docs/performance.md).
    processes: int = Field(default=1, ge=1, le=64)
    shutdown_grace_seconds: float = Field(default=10.0, ge=0)
    migrate_on_start: bool = True
    log_json: bool | None = None
    log_level: str = "INFO"

    # The district's calendar: dates (windows, quiet days, years) are local to this zone.
    timezone: str = "Asia/Shanghai"
    holidays: list[dt.date] = Field(default_factory=list)
    weekend_days: list[int] = Field(default_factory=lambda: [5, 6])  # Monday is 0
    quiet_days_first: int = Field(default=1, ge=0, le=31)
    quiet_days_last: int = Field(default=10, ge=0, le=31)

    # Inspection rules (DESIGN §4).
    approval_lead_days: int = Field(default=7, ge=0)
    decision_due_working_days: int = Field(default=2, ge=0)
    publication_due_working_days: int = Field(default=20, ge=0)
    max_routine_per_department_year: int = Field(default=2, ge=0)
    min_inspectors: int = Field(default=2, ge=1)
    emergency_filing_hours: int = Field(default=72, ge=1)

    # Random double selection (双随机, DESIGN §6); each value is published in a plan's parameters
    # at freeze. An enterprise a plan's department visited within the look-back is left out of the
    # pool; an inspector already on this many inspections overlapping the plan's window is not
    # drawn again; a plan's window spans at most this many days (a quarter).
    draw_lookback_days: int = Field(default=180, ge=0)
    draw_inspector_load_limit: int = Field(default=10, ge=1)
    draw_max_window_days: int = Field(default=92, ge=1)

    # How often each server expires inspections whose window ended unused (0 turns the timer off;
    # `inspection sweep` runs one pass).
    expiry_sweep_seconds: float = Field(default=300.0, ge=0)

    # Oversight (电子监察, DESIGN §9). Every replica sweeps for alerts this often (0 turns the timer
    # off; `inspection sweep` runs one pass), looks this far back for causes a stopped server may
    # have missed, and audits this many cards per pass, round-robin through the district.
    alert_sweep_seconds: float = Field(default=60.0, ge=0)
    alert_lookback_days: int = Field(default=30, ge=1)
    audit_cards_per_sweep: int = Field(default=200, ge=0)
    # Burden (扰企): more visits of one enterprise than these, across departments, raise an alert (a
    # joint visit counts once); so do this many no-findings inspections of one enterprise by one
    # inspector in a year, and a rating at or below `low_rating_at_most`.
    burden_visits_per_day: int = Field(default=1, ge=1)
    burden_visits_per_week: int = Field(default=2, ge=1)
    burden_visits_per_month: int = Field(default=3, ge=1)
    pattern_no_findings_per_year: int = Field(default=3, ge=2)
    low_rating_at_most: int = Field(default=2, ge=1, le=5)

    # How long a mutating call's first response is kept for retries with its request id; older
    # records are pruned by the same sweep (a retry after that runs as a new call).
    idempotency_retention_days: int = Field(default=30, ge=1)

    # Bearer tokens: how often each server reads new revocations (a revocation holds on every
    # replica within this time), and the longest lifetime a refreshed token gets.
    revocation_refresh_seconds: float = Field(default=2.0, gt=0)
    token_max_lifetime_hours: int = Field(default=24, ge=1)

    # How often a WatchCard stream looks for entries written by other replicas.
    watch_poll_seconds: float = Field(default=0.5, gt=0)
    # An idle WatchCard stream sends a heartbeat this often, so clients and proxies see it is alive.
    watch_heartbeat_seconds: float = Field(default=15.0, gt=0)
    # Each WatchCard stream holds one RPC thread; at most this many at once, so unary calls always
    # have threads left.
    max_watch_streams: int = Field(default=8, ge=1)
    # Calls whose cost grows with the data (VerifyCard, ImportEnterprises) running at once; one
    # more is refused (SERVER_BUSY) rather than starving the cheap calls.
    max_expensive_calls: int = Field(default=2, ge=1)
    # Calls running or queued for a thread; past it gRPC refuses at once (RESOURCE_EXHAUSTED).
    max_concurrent_calls: int = Field(default=256, ge=1)
    # How long one thread may hold Python's interpreter lock before another gets a turn. Shorter
    # than Python's 5 ms so that a cheap call is not kept waiting behind a long computation (a
    # whole card re-chained); the setting is process-wide.
    gil_switch_interval_ms: float = Field(default=1.0, gt=0, le=100)
    # How often the database is asked whether it answers; the health status follows.
    health_probe_seconds: float = Field(default=2.0, gt=0)
    # A second port serving only the health service, from threads of its own (for a load
    # balancer's checks); empty: health is served on the main port only.
    health_listen: str = ""
    # Where Prometheus metrics are served over HTTP (e.g. 127.0.0.1:9464); empty: not served.
    metrics_listen: str = ""

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown timezone {value!r} (use an IANA name such as Asia/Shanghai)") from exc
        return value

    @model_validator(mode="after")
    def _refuse_unsafe_defaults(self) -> Settings:
        if self.signing_key_file is not None:
            try:
                key = self.signing_key_file.read_text(encoding="utf-8").strip()
            except (OSError, UnicodeDecodeError) as exc:
                raise ValueError(f"cannot read the signing key file {self.signing_key_file}: {exc}") from exc
            self.signing_key = SecretStr(key)
        key = self.signing_key.get_secret_value()
        if not self.development and key == DEVELOPMENT_SIGNING_KEY:
            raise ValueError(
                "INSPECTION_SIGNING_KEY (or INSPECTION_SIGNING_KEY_FILE) must be set outside "
                "development mode; the built-in development key is refused"
            )
        if len(key) < 32:
            raise ValueError("the signing key must be at least 32 characters long")
        if (self.tls_cert_file is None) != (self.tls_key_file is None):
            raise ValueError("INSPECTION_TLS_CERT_FILE and INSPECTION_TLS_KEY_FILE go together")
        if self.max_watch_streams + self.max_expensive_calls > self.max_workers - 2:
            raise ValueError(
                "max_watch_streams + max_expensive_calls must leave at least two of max_workers "
                "for cheap calls and the health check"
            )
        if self.quiet_days_last < self.quiet_days_first:
            raise ValueError("quiet_days_last must not be before quiet_days_first")
        return self

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)
