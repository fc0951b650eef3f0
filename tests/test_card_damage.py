"""A card stays listable and verifiable when someone writes garbage into it, and a holder can prove
that today's card still extends a head it kept (docs/card.md)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.protobuf.field_mask_pb2 import FieldMask
from sqlalchemy import text

from inspection.domain.card import entry_hash
from inspection.storage.db import Database
from inspection.v1 import card_service_pb2 as card
from inspection.v1 import common_pb2 as common
from inspection.v1 import registry_service_pb2 as reg
from tests.support import expect_error, field_violations, register

#: Damage written with SQL into entry 2 of a five-entry card: (column, value, backends it can be
#: stored on — PostgreSQL's column types refuse the rest).
DAMAGE = {
    "unknown kind": ("kind", "NOT_A_KIND", {"sqlite", "postgres"}),
    "unreadable time": ("time", "yesterday-ish", {"sqlite"}),
    "seq not an integer": ("seq", "two", {"sqlite"}),
    "payload not text": ("payload_json", b"\xff\x00", {"sqlite"}),
}


def _five_entries(registry: Any, admin: Any, name: str) -> tuple[str, list[common.CardHead]]:
    created = register(registry, admin, name=name)
    heads = [created.card_head]
    for n in range(4):
        update = registry.UpdateEnterprise(
            reg.UpdateEnterpriseRequest(
                enterprise=reg.Enterprise(uscc=created.enterprise.uscc, white_listed=n % 2 == 0),
                update_mask=FieldMask(paths=["white_listed"]),
            ),
            metadata=admin,
        )
        heads.append(update.card_head)
    return created.enterprise.uscc, heads


def _sql(db: Database, statement: str, **params: object) -> None:
    with db.write() as session:
        session.execute(text(statement), params)


def _backend(db: Database) -> str:
    return "sqlite" if db.dialect == "sqlite" else "postgres"


def test_a_damaged_entry_is_named_by_list_and_verify_never_internal(
    registry: Any, cards: Any, admin: Any, db: Database
) -> None:
    """Each damage this database's column types let one store, on a card of its own."""
    applicable = [name for name, (_, _, backends) in DAMAGE.items() if _backend(db) in backends]
    assert applicable
    for damage in applicable:
        column, value, _ = DAMAGE[damage]
        uscc, _ = _five_entries(registry, admin, f"损坏{column}有限公司")
        _sql(db, f"UPDATE card_entry SET {column} = :v WHERE uscc = :u AND seq = 2", v=value, u=uscc)

        page = cards.ListCardEntries(card.ListCardEntriesRequest(uscc=uscc, page_size=50), metadata=admin)
        damaged = [e for e in page.entries if e.damage]
        assert len(page.entries) == 5 and len(damaged) == 1, damage
        assert damaged[0].kind == card.CARD_ENTRY_KIND_UNSPECIFIED, damage
        assert all(e.kind != card.CARD_ENTRY_KIND_UNSPECIFIED for e in page.entries if not e.damage)

        verdict = cards.VerifyCard(card.VerifyCardRequest(uscc=uscc), metadata=admin)
        assert (verdict.valid, verdict.first_bad_seq) == (False, 2), damage
        assert "entry 2" in verdict.problem, damage
        if column != "seq":  # a seq that is not an integer shows as the entry missing from its place
            assert "cannot be read" in verdict.problem, damage


def test_a_card_extends_the_head_its_holder_kept(registry: Any, cards: Any, admin: Any) -> None:
    uscc, heads = _five_entries(registry, admin, "保留头部有限公司")
    for kept in heads:
        verdict = cards.VerifyCard(card.VerifyCardRequest(uscc=uscc, kept_head=kept), metadata=admin)
        assert verdict.valid and verdict.extends_kept_head, verdict.kept_head_problem
    # A head from the future of this card is not one it extends.
    ahead = common.CardHead(uscc=uscc, seq=9, entry_hash=heads[-1].entry_hash)
    verdict = cards.VerifyCard(card.VerifyCardRequest(uscc=uscc, kept_head=ahead), metadata=admin)
    assert verdict.valid and not verdict.extends_kept_head
    assert "ends at entry 5" in verdict.kept_head_problem


def test_a_history_rewritten_and_rechained_verifies_but_no_longer_extends_a_kept_head(
    registry: Any, cards: Any, admin: Any, db: Database
) -> None:
    uscc, heads = _five_entries(registry, admin, "重链有限公司")
    kept = heads[2]  # the holder kept the head after its third entry
    entries = list(
        cards.ListCardEntries(card.ListCardEntriesRequest(uscc=uscc, page_size=50), metadata=admin).entries
    )
    # Someone with database access rewrites entry 2 and recomputes every hash from there.
    previous = entries[0].entry_hash
    for entry in entries[1:]:
        payload = entry.payload_json.replace("true", "false") if entry.seq == 2 else entry.payload_json
        digest = entry_hash(
            uscc=uscc,
            seq=entry.seq,
            kind="ENTERPRISE_UPDATED",
            actor_sub=entry.actor_sub,
            actor_role=entry.actor_role,
            actor_org=entry.actor_org,
            department_code=None,
            inspection_id=None,
            time=entry.time.ToDatetime(tzinfo=dt.UTC),
            payload_json=payload,
            prev_hash=previous,
        )
        _sql(
            db,
            "UPDATE card_entry SET payload_json = :p, prev_hash = :prev, entry_hash = :h "
            "WHERE uscc = :u AND seq = :s",
            p=payload,
            prev=previous,
            h=digest,
            u=uscc,
            s=entry.seq,
        )
        previous = digest
    _sql(db, "UPDATE card SET head_hash = :h WHERE uscc = :u", h=previous, u=uscc)

    alone = cards.VerifyCard(card.VerifyCardRequest(uscc=uscc), metadata=admin)
    assert alone.valid, "a full re-chain verifies on its own"
    verdict = cards.VerifyCard(card.VerifyCardRequest(uscc=uscc, kept_head=kept), metadata=admin)
    assert verdict.valid and not verdict.extends_kept_head
    assert "rewritten" in verdict.kept_head_problem


@pytest.mark.parametrize(
    ("kept", "field"),
    [
        (common.CardHead(seq=0, entry_hash="0" * 64), "kept_head.seq"),
        (common.CardHead(seq=1, entry_hash="ABC"), "kept_head.entry_hash"),
        (common.CardHead(seq=1, entry_hash="G" * 64), "kept_head.entry_hash"),
        (common.CardHead(uscc="91330200MA2AAAAA0X", seq=1, entry_hash="0" * 64), "kept_head.uscc"),
    ],
    ids=["seq-zero", "short-hash", "not-hex", "other-card"],
)
def test_a_malformed_kept_head_is_refused_naming_the_field(
    registry: Any, cards: Any, admin: Any, kept: common.CardHead, field: str
) -> None:
    uscc = register(registry, admin, name="坏头部有限公司").enterprise.uscc
    error = expect_error(
        lambda: cards.VerifyCard(card.VerifyCardRequest(uscc=uscc, kept_head=kept), metadata=admin),
        grpc.StatusCode.INVALID_ARGUMENT,
        "INVALID_ARGUMENT",
    )
    assert set(field_violations(error)) == {field}


def _documented_verifier() -> Any:
    """The stdlib verifier exactly as docs/card.md gives it."""
    page = (Path(__file__).parent.parent / "docs" / "card.md").read_text(encoding="utf-8")
    source = page.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict[str, Any] = {"__name__": "verify_card"}
    exec(compile(source, "docs/card.md", "exec"), namespace)
    return namespace["verify"]


def _cli_jsonl(grpc_addr: str, admin: Any, uscc: str) -> list[str]:
    from typer.testing import CliRunner

    from clients.cli import app

    token = admin[0][1].removeprefix("Bearer ")
    env = {"ONECARD_TARGET": grpc_addr, "ONECARD_TOKEN": token, "ONECARD_TIMEZONE": "Asia/Shanghai"}
    result = CliRunner().invoke(app, ["card", "entries", uscc, "--all", "--jsonl"], env=env)
    assert result.exit_code == 0, result.output
    # The in-process server's own log lines land in the same captured stdout; the CLI prints JSON.
    return [line for line in result.stdout.splitlines() if line.startswith("{")]


def test_the_documented_verifier_agrees_with_verify_card_on_what_the_cli_prints(
    registry: Any, cards: Any, admin: Any, db: Database, grpc_addr: str
) -> None:
    verify = _documented_verifier()
    uscc, heads = _five_entries(registry, admin, "文档校验有限公司")
    assert verify(_cli_jsonl(grpc_addr, admin, uscc)) == f"valid: 5 entries, head {heads[-1].entry_hash}"

    _sql(db, "UPDATE card_entry SET kind = 'NOT_A_KIND' WHERE uscc = :u AND seq = 3", u=uscc)
    answer = verify(_cli_jsonl(grpc_addr, admin, uscc))
    server = cards.VerifyCard(card.VerifyCardRequest(uscc=uscc), metadata=admin)
    assert not server.valid and server.first_bad_seq == 3
    assert answer.startswith("entry 3 cannot be read")


def test_onecard_card_verify_checks_a_kept_head(registry: Any, admin: Any, grpc_addr: str) -> None:
    from typer.testing import CliRunner

    from clients.cli import app

    uscc, heads = _five_entries(registry, admin, "命令行头部有限公司")
    env = {"ONECARD_TARGET": grpc_addr, "ONECARD_TOKEN": admin[0][1].removeprefix("Bearer ")}

    def onecard(*args: str) -> Any:
        return CliRunner().invoke(app, ["card", "verify", uscc, *args], env=env)

    kept = onecard("--head", f"{heads[2].seq}:{heads[2].entry_hash}")
    assert kept.exit_code == 0 and "extends the head you kept" in kept.stdout
    other = onecard("--head", f"{heads[2].seq}:{heads[3].entry_hash}")
    assert other.exit_code == 1 and "does NOT extend" in other.stdout
    malformed = onecard("--head", "three:abc")
    assert malformed.exit_code == 2 and "SEQ:HASH" in malformed.output
