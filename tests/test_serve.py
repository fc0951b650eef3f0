"""``inspection serve`` as an operator runs it: migrates, serves health and calls, logs one JSON
line per call, refuses the development key, and stops gracefully on SIGTERM."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from inspection.auth import Role
from inspection.v1 import registry_service_pb2 as reg
from inspection.v1 import registry_service_pb2_grpc as reg_grpc
from tests.support import TEST_SIGNING_KEY, auth

INSPECTION = Path(sys.executable).with_name("inspection")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INSPECTION_")}
    env.update(
        INSPECTION_DATABASE_URL=f"sqlite:///{tmp_path}/serve.db",
        INSPECTION_LOG_LEVEL="INFO",
        **extra,
    )
    return env


def test_serve_refuses_the_development_key(tmp_path: Path) -> None:
    done = subprocess.run(
        [str(INSPECTION), "serve"],
        env=_env(tmp_path),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "development key is refused" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.timeout(90)
def test_serve_migrates_logs_each_call_and_stops_on_sigterm(tmp_path: Path) -> None:
    port = _free_port()
    env = _env(tmp_path, INSPECTION_LISTEN=f"127.0.0.1:{port}", INSPECTION_SIGNING_KEY=TEST_SIGNING_KEY)
    process = subprocess.Popen(
        [str(INSPECTION), "serve"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            health = health_pb2_grpc.HealthStub(channel)
            deadline = time.monotonic() + 30
            while True:
                try:
                    status = health.Check(health_pb2.HealthCheckRequest(), timeout=1).status
                    if status == health_pb2.HealthCheckResponse.SERVING:
                        break
                except grpc.RpcError:
                    pass
                assert time.monotonic() < deadline, "the server did not come up"
                time.sleep(0.2)
            registry = reg_grpc.RegistryServiceStub(channel)
            admin = auth(Role.ADMIN, sub="ops-1", now=dt.datetime.now(dt.UTC))
            registry.CreateDepartment(
                reg.CreateDepartmentRequest(
                    request_id="dept-1", department=reg.Department(code="SCJG", name="市场监管局")
                ),
                metadata=admin,
            )
            with pytest.raises(grpc.RpcError):
                registry.GetDepartment(reg.GetDepartmentRequest(code="NONE"), metadata=admin)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=10)
    assert process.returncode == 0, stderr
    lines = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    calls = [line for line in lines if line.get("event") == "call"]
    created = next(c for c in calls if c["method"].endswith("/CreateDepartment"))
    assert created["code"] == "OK" and created["principal"] == "ops-1" and created["role"] == "admin"
    assert created["request_id"] == "dept-1" and created["latency_ms"] >= 0
    missing = next(c for c in calls if c["method"].endswith("/GetDepartment"))
    assert missing["code"] == "NOT_FOUND" and missing["reason"] == "NOT_FOUND"
    assert [line["event"] for line in lines if line["event"] in ("serving", "stopping", "stopped")] == [
        "serving",
        "stopping",
        "stopped",
    ]


@pytest.mark.timeout(90)
def test_a_burst_of_signals_stops_the_server_within_its_grace(tmp_path: Path) -> None:
    """SIGTERM and SIGINT in quick succession (as make forwards them) stop the server, never hang it."""
    port = _free_port()
    env = _env(
        tmp_path,
        INSPECTION_LISTEN=f"127.0.0.1:{port}",
        INSPECTION_SIGNING_KEY=TEST_SIGNING_KEY,
        INSPECTION_SHUTDOWN_GRACE_SECONDS="2",
    )
    process = subprocess.Popen(
        [str(INSPECTION), "serve"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            health = health_pb2_grpc.HealthStub(channel)
            deadline = time.monotonic() + 30
            while True:
                try:
                    if health.Check(health_pb2.HealthCheckRequest(), timeout=1).status == 1:
                        break
                except grpc.RpcError:
                    pass
                assert time.monotonic() < deadline, "the server did not come up"
                time.sleep(0.2)
        for signum in (signal.SIGTERM, signal.SIGTERM, signal.SIGINT, signal.SIGTERM) * 5:
            if process.poll() is not None:
                break
            process.send_signal(signum)
        _, stderr = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=10)
            pytest.fail("the server hung after a burst of signals")
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr


@pytest.mark.parametrize(
    ("settings", "names"),
    [
        ({"INSPECTION_SIGNING_KEY": "short-secret-abcdef"}, "signing key must be at least 32 characters"),
        ({"INSPECTION_SIGNING_KEY_FILE": "/nonexistent/signing.key"}, "cannot read the signing key file"),
        (
            {"INSPECTION_SIGNING_KEY": "k" * 40 + "-secret", "INSPECTION_MAX_WORKERS": "many"},
            "INSPECTION_MAX_WORKERS",
        ),
    ],
    ids=["short-key", "missing-key-file", "bad-number"],
)
def test_a_refused_setting_is_named_without_its_value_or_a_traceback(
    settings: dict[str, str], names: str, tmp_path: Path
) -> None:
    done = subprocess.run(
        [str(INSPECTION), "serve"],
        env=_env(tmp_path, **settings),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert names in done.stderr
    assert "Traceback" not in done.stderr
    assert "secret" not in done.stderr  # the value given is never echoed


def test_a_certificate_that_is_not_one_is_refused_without_a_traceback(tmp_path: Path) -> None:
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate\n")
    env = _env(
        tmp_path,
        INSPECTION_SIGNING_KEY=TEST_SIGNING_KEY,
        INSPECTION_LISTEN="127.0.0.1:0",
        INSPECTION_TLS_CERT_FILE=str(junk),
        INSPECTION_TLS_KEY_FILE=str(junk),
    )
    done = subprocess.run(
        [str(INSPECTION), "serve"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert "cannot serve" in done.stderr and "INSPECTION_TLS_CERT_FILE" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.timeout(120)
def test_processes_share_one_port_and_stop_together_on_sigterm(tmp_path: Path) -> None:
    port = _free_port()
    env = _env(tmp_path, INSPECTION_LISTEN=f"127.0.0.1:{port}", INSPECTION_SIGNING_KEY=TEST_SIGNING_KEY)
    process = subprocess.Popen(
        [str(INSPECTION), "serve", "--processes", "2"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    admin = auth(Role.ADMIN, sub="ops-1", now=dt.datetime.now(dt.UTC))
    try:
        deadline = time.monotonic() + 60
        while _listeners(port) < 2:  # both processes bound, or the first takes every connection
            assert process.poll() is None and time.monotonic() < deadline, "the processes did not come up"
            time.sleep(0.2)
        answered = 0
        while answered < 40:  # a new connection each time: the kernel spreads them over the processes
            with grpc.insecure_channel(
                f"127.0.0.1:{port}", options=[("grpc.use_local_subchannel_pool", 1)]
            ) as channel:
                try:
                    reg_grpc.RegistryServiceStub(channel).ListDepartments(
                        reg.ListDepartmentsRequest(), metadata=admin, timeout=2
                    )
                    answered += 1
                except grpc.RpcError:
                    assert time.monotonic() < deadline, "the processes did not come up"
                    time.sleep(0.2)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=10)
    assert process.returncode == 0, stderr
    lines = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    serving = [line for line in lines if line.get("event") == "serving"]
    assert len({line["pid"] for line in serving if "port" in line}) == 2
    calls = [
        line for line in lines if line.get("event") == "call" and line["method"].endswith("/ListDepartments")
    ]
    assert len(calls) == 40 and {c["process"] for c in calls} == {0, 1}, "both processes answered calls"
    assert sum(line.get("event") == "stopped" for line in lines) == 3  # two processes and the parent
    with socket.socket() as sock:  # nothing is left holding the port
        sock.bind(("127.0.0.1", port))


def _listeners(port: int) -> int:
    """Sockets listening on ``port`` on this machine (Linux's /proc/net/tcp and tcp6: state 0A; gRPC
    binds 127.0.0.1 on an IPv6 socket, as a v4-mapped address)."""
    rows = [row for name in ("tcp", "tcp6") for row in Path(f"/proc/net/{name}").read_text().splitlines()[1:]]
    return sum(1 for row in rows if row.split()[1].endswith(f":{port:04X}") and row.split()[3] == "0A")


def test_processes_without_a_fixed_port_are_refused(tmp_path: Path) -> None:
    done = subprocess.run(
        [str(INSPECTION), "serve", "--processes", "2"],
        env=_env(tmp_path, INSPECTION_LISTEN="127.0.0.1:0", INSPECTION_SIGNING_KEY=TEST_SIGNING_KEY),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "needs a fixed port" in done.stderr and "Traceback" not in done.stderr
