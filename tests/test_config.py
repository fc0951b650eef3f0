"""Configuration refuses unsafe settings (DESIGN §10), and bearer tokens (DESIGN §2) as pure units."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from inspection.auth import Principal, Role, TokenVerifier, issue_token, verify_token
from inspection.cli import app
from inspection.config import DEVELOPMENT_SIGNING_KEY, Settings
from inspection.errors import InvalidArgument, Unauthenticated

KEY = "a-signing-key-long-enough-for-hmac-0123456789"
NOW = dt.datetime(2026, 3, 16, 1, 30, tzinfo=dt.UTC)


def settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg, arg-type]


# --- settings -------------------------------------------------------------------------------


def test_development_key_is_refused_outside_development() -> None:
    with pytest.raises(ValidationError, match="development key is refused"):
        settings()
    with pytest.raises(ValidationError, match="development key is refused"):
        settings(signing_key=DEVELOPMENT_SIGNING_KEY)


def test_development_key_is_accepted_in_development() -> None:
    assert settings(development=True).signing_key.get_secret_value() == DEVELOPMENT_SIGNING_KEY


@pytest.mark.parametrize("development", [False, True])
def test_short_keys_are_refused(development: bool) -> None:
    with pytest.raises(ValidationError, match="at least 32 characters"):
        settings(development=development, signing_key="x" * 31)
    assert settings(development=development, signing_key="x" * 32).signing_key.get_secret_value() == "x" * 32


def test_key_file_is_read_and_stripped(tmp_path: Path) -> None:
    path = tmp_path / "signing.key"
    path.write_text(KEY + "\n", encoding="utf-8")
    loaded = settings(signing_key_file=path)
    assert loaded.signing_key.get_secret_value() == KEY
    assert KEY not in repr(loaded)  # the secret never shows in logs or tracebacks


def test_key_file_wins_over_the_default(tmp_path: Path) -> None:
    path = tmp_path / "signing.key"
    path.write_text(KEY, encoding="utf-8")
    assert settings(development=True, signing_key_file=path).signing_key.get_secret_value() == KEY


def test_key_file_with_a_short_or_development_key_is_refused(tmp_path: Path) -> None:
    short = tmp_path / "short.key"
    short.write_text("too-short\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="at least 32 characters"):
        settings(signing_key_file=short)
    dev = tmp_path / "dev.key"
    dev.write_text(DEVELOPMENT_SIGNING_KEY, encoding="utf-8")
    with pytest.raises(ValidationError, match="development key is refused"):
        settings(signing_key_file=dev)


def test_missing_key_file_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="signing key file"):
        settings(signing_key_file=tmp_path / "absent.key")


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INSPECTION_SIGNING_KEY", KEY)
    monkeypatch.setenv("INSPECTION_LISTEN", "0.0.0.0:6000")
    monkeypatch.setenv("INSPECTION_DATABASE_URL", "postgresql+psycopg://db/inspection")
    monkeypatch.setenv("INSPECTION_HOLIDAYS", '["2026-05-01", "2026-10-01"]')
    loaded = settings()
    assert loaded.signing_key.get_secret_value() == KEY
    assert loaded.listen == "0.0.0.0:6000"
    assert loaded.database_url == "postgresql+psycopg://db/inspection"
    assert loaded.holidays == [dt.date(2026, 5, 1), dt.date(2026, 10, 1)]


def test_tls_files_go_together(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="go together"):
        settings(signing_key=KEY, tls_cert_file=tmp_path / "cert.pem")


def test_unknown_time_zone_is_refused() -> None:
    with pytest.raises(ValidationError, match="timezone"):
        settings(signing_key=KEY, timezone="Mars/Olympus_Mons")


def test_quiet_period_must_be_in_order() -> None:
    with pytest.raises(ValidationError, match="quiet_days_last"):
        settings(signing_key=KEY, quiet_days_first=10, quiet_days_last=1)


def test_safe_defaults() -> None:
    loaded = settings(signing_key=KEY)
    assert loaded.listen.startswith("127.0.0.1:")
    assert (loaded.tls_cert_file, loaded.tls_key_file) == (None, None)
    assert loaded.zone.key == "Asia/Shanghai"


# --- tokens ---------------------------------------------------------------------------------


def test_token_round_trip() -> None:
    token = issue_token(
        KEY, sub="zhang", role=Role.DEPARTMENT, org="SCJG", ttl=dt.timedelta(hours=8), now=NOW
    )
    assert verify_token(KEY, token, now=NOW) == Principal(sub="zhang", role=Role.DEPARTMENT, org="SCJG")
    assert verify_token(KEY, token, now=NOW + dt.timedelta(hours=7, minutes=59)).sub == "zhang"


def test_expiry_is_judged_by_the_given_instant() -> None:
    token = issue_token(KEY, sub="li", role=Role.ADMIN, ttl=dt.timedelta(hours=1), now=NOW)
    for late in (NOW + dt.timedelta(hours=1), NOW + dt.timedelta(days=400)):
        with pytest.raises(Unauthenticated) as caught:
            verify_token(KEY, token, now=late)
        assert caught.value.reason == "TOKEN_EXPIRED"
    # Issued a little "in the future" of the verifier's clock (clock skew) is not an error ...
    assert verify_token(KEY, token, now=NOW - dt.timedelta(seconds=59)).role is Role.ADMIN
    # ... but a token issued well ahead of it is not one this service's clock could have issued.
    with pytest.raises(Unauthenticated) as caught:
        verify_token(KEY, token, now=NOW - dt.timedelta(minutes=5))
    assert caught.value.reason == "TOKEN_INVALID"


def test_a_token_without_an_id_is_invalid() -> None:
    import jwt

    claims = {
        "iss": "inspection-onecard",
        "sub": "li",
        "role": "admin",
        "org": "",
        "iat": int(NOW.timestamp()),
    }
    token = jwt.encode({**claims, "exp": int(NOW.timestamp()) + 3600}, KEY, algorithm="HS256")
    with pytest.raises(Unauthenticated) as caught:
        verify_token(KEY, token, now=NOW)
    assert caught.value.reason == "TOKEN_INVALID"


def test_token_signed_with_another_key_is_invalid() -> None:
    token = issue_token(
        "another-key-" + "y" * 40, sub="x", role=Role.ADMIN, ttl=dt.timedelta(hours=1), now=NOW
    )
    with pytest.raises(Unauthenticated) as caught:
        verify_token(KEY, token, now=NOW)
    assert caught.value.reason == "TOKEN_INVALID"


def test_tampered_token_is_invalid() -> None:
    token = issue_token(KEY, sub="x", role=Role.ENTERPRISE, org="A", ttl=dt.timedelta(hours=1), now=NOW)
    header, payload, signature = token.split(".")
    flipped = payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1]
    with pytest.raises(Unauthenticated) as caught:
        verify_token(KEY, ".".join([header, flipped, signature]), now=NOW)
    assert caught.value.reason == "TOKEN_INVALID"


def test_remembered_token_still_expires_by_the_given_instant() -> None:
    verifier = TokenVerifier(KEY)
    token = issue_token(KEY, sub="li", role=Role.ADMIN, ttl=dt.timedelta(hours=1), now=NOW)
    assert verifier.verify(token, now=NOW) == Principal(sub="li", role=Role.ADMIN)
    for late in (NOW + dt.timedelta(hours=1), NOW + dt.timedelta(days=400)):
        with pytest.raises(Unauthenticated) as caught:
            verifier.verify(token, now=late)
        assert caught.value.reason == "TOKEN_EXPIRED"
    assert verifier.verify(token, now=NOW - dt.timedelta(minutes=5)).role is Role.ADMIN


@pytest.mark.parametrize(
    ("kind", "reason"),
    [("forged", "TOKEN_INVALID"), ("expired", "TOKEN_EXPIRED"), ("garbage", "TOKEN_INVALID")],
)
def test_verifier_refuses_as_verify_token_does_every_time(kind: str, reason: str) -> None:
    verifier = TokenVerifier(KEY)
    tokens = {
        "forged": issue_token(
            "another-key-" + "y" * 40, sub="x", role=Role.ADMIN, ttl=dt.timedelta(hours=1), now=NOW
        ),
        "expired": issue_token(
            KEY, sub="x", role=Role.ADMIN, ttl=dt.timedelta(hours=1), now=NOW - dt.timedelta(hours=2)
        ),
        "garbage": "a.b.c",
    }
    for _attempt in range(2):  # a refusal is not remembered as an acceptance
        with pytest.raises(Unauthenticated) as caught:
            verifier.verify(tokens[kind], now=NOW)
        assert caught.value.reason == reason


def test_verifier_remembers_a_bounded_number_of_tokens() -> None:
    verifier = TokenVerifier(KEY, capacity=3)
    tokens = [
        issue_token(KEY, sub=f"s{i}", role=Role.ADMIN, ttl=dt.timedelta(hours=1), now=NOW) for i in range(5)
    ]
    for token in tokens:
        verifier.verify(token, now=NOW)
    assert len(verifier) == 3
    assert [verifier.verify(t, now=NOW).sub for t in tokens] == [f"s{i}" for i in range(5)]
    assert len(verifier) == 3


def test_issue_lists_every_bad_field() -> None:
    with pytest.raises(InvalidArgument) as caught:
        issue_token(KEY, sub="", role=Role.ENTERPRISE, org="", ttl=dt.timedelta(0), now=NOW)
    assert [v.field for v in caught.value.violations] == ["sub", "org", "ttl"]
    with pytest.raises(InvalidArgument) as caught:
        issue_token(KEY, sub="anyone", role=Role.PUBLIC, ttl=dt.timedelta(hours=1), now=NOW)
    assert [v.field for v in caught.value.violations] == ["role"]


# --- the token command ----------------------------------------------------------------------


def test_token_command_issues_a_verifiable_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INSPECTION_SIGNING_KEY", KEY)
    result = CliRunner().invoke(
        app,
        [
            "token",
            "issue",
            "--role",
            "enterprise",
            "--org",
            "91110000MA0000001X",
            "--sub",
            "wang",
            "--ttl",
            "2h",
        ],
    )
    assert result.exit_code == 0, result.output
    principal = verify_token(KEY, result.output.strip(), now=dt.datetime.now(dt.UTC))
    assert principal == Principal(sub="wang", role=Role.ENTERPRISE, org="91110000MA0000001X")


@pytest.mark.parametrize("ttl", ["8", "h", "-1h", "1w", ""])
def test_token_command_refuses_a_bad_lifetime(monkeypatch: pytest.MonkeyPatch, ttl: str) -> None:
    monkeypatch.setenv("INSPECTION_SIGNING_KEY", KEY)
    result = CliRunner().invoke(app, ["token", "issue", "--role", "admin", "--sub", "x", "--ttl", ttl])
    assert result.exit_code != 0
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_token_command_refuses_the_development_key(monkeypatch: pytest.MonkeyPatch) -> None:
    result = CliRunner().invoke(app, ["token", "issue", "--role", "admin", "--sub", "x"])
    assert result.exit_code == 2
    assert isinstance(result.exception, SystemExit)


@pytest.mark.parametrize(
    "options",
    [
        ["--role", "enterprise", "--sub", "x"],
        ["--role", "public", "--sub", "x"],
        ["--role", "admin", "--sub", ""],
    ],
    ids=["enterprise-without-org", "public", "no-sub"],
)
def test_token_command_refuses_an_incomplete_principal(
    monkeypatch: pytest.MonkeyPatch, options: list[str]
) -> None:
    monkeypatch.setenv("INSPECTION_SIGNING_KEY", KEY)
    result = CliRunner().invoke(app, ["token", "issue", *options])
    assert result.exit_code == 2
    assert isinstance(result.exception, SystemExit)
    assert "cannot issue this token" in result.output
