"""The directories (DESIGN §3): enterprises, departments, inspectors, checklist items, fee items
and recusals, with their validation and bulk CSV import."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlmodel import Session, SQLModel
from stdnum import exceptions as stdnum_errors
from stdnum.cn import uscc as uscc_code

from inspection.auth import Principal
from inspection.domain import card as cards
from inspection.domain.card import CardHead, EntryKind
from inspection.domain.paging import keyset_page
from inspection.domain.text import MAX_IDENTIFIER, check_identifier, check_text
from inspection.errors import AlreadyExists, NotFound, Violations
from inspection.storage import registry as stored
from inspection.storage.fee_models import FeeItemVersion
from inspection.storage.inspections import InspectorRow

# The directory records are the storage's rows; the api names them from here, never from storage.
from inspection.storage.models import ChecklistItem as ChecklistItem
from inspection.storage.models import Department as Department
from inspection.storage.models import Enterprise as Enterprise
from inspection.storage.models import FeeItem as FeeItem
from inspection.storage.models import Inspector as Inspector
from inspection.storage.models import ProjectKind as ProjectKind
from inspection.storage.models import Recusal as Recusal
from inspection.storage.registry import EnterpriseRow as EnterpriseRow

CREDIT_CLASSES = ("A", "B", "C", "D")
ENTERPRISE_MUTABLE = ("name", "above_designated_size", "industry", "district", "credit_class", "white_listed")
MAX_TEXT = 200
DEPARTMENT_CODE_LENGTH = 32  # the column's length (models.Department.code)

M = TypeVar("M", bound=SQLModel)


def uscc_problem(value: str) -> str | None:
    """Why ``value`` is not a valid unified social credit code (GB 32100-2015), or None."""
    if not value:
        return "is required"
    try:
        compact = uscc_code.validate(value)  # the compact form, so it is not computed twice
    except stdnum_errors.InvalidChecksum:
        expected = uscc_code.calc_check_digit(uscc_code.compact(value))
        return f"check character {value[-1]!r} does not match GB 32100-2015 (expected {expected!r})"
    except stdnum_errors.InvalidLength:
        return "must be 18 characters (GB 32100-2015)"
    except (stdnum_errors.InvalidFormat, stdnum_errors.InvalidComponent):
        return "has characters or a registration-authority code not allowed by GB 32100-2015"
    if compact != value:
        return "must be written without spaces, in upper case"
    return None


def _text(violations: Violations, path: str, value: str, *, required: bool = True) -> None:
    check_text(violations, path, value, required=required, max_length=MAX_TEXT)


def _code(violations: Violations, path: str, value: str, *, max_length: int = MAX_IDENTIFIER) -> None:
    check_identifier(violations, path, value, max_length=max_length)


# --- enterprises -----------------------------------------------------------------------------


@dataclass(frozen=True)
class EnterpriseFields:
    uscc: str
    name: str
    above_designated_size: bool = False
    industry: str = ""
    district: str = ""
    credit_class: str = "B"
    white_listed: bool = False


def _check_enterprise(fields: EnterpriseFields, prefix: str) -> Violations:
    violations = Violations()
    problem = uscc_problem(fields.uscc)
    if problem:
        violations.add(f"{prefix}uscc", problem)
    _text(violations, f"{prefix}name", fields.name)
    _text(violations, f"{prefix}industry", fields.industry, required=False)
    _text(violations, f"{prefix}district", fields.district, required=False)
    if fields.credit_class not in CREDIT_CLASSES:
        violations.add(f"{prefix}credit_class", "must be one of A, B, C, D")
    return violations


def _issue_payload(fields: EnterpriseFields) -> dict[str, Any]:
    return {
        "uscc": fields.uscc,
        "name": fields.name,
        "above_designated_size": fields.above_designated_size,
        "industry": fields.industry,
        "district": fields.district,
        "credit_class": fields.credit_class,
        "white_listed": fields.white_listed,
    }


def create_enterprise(
    session: Session, fields: EnterpriseFields, *, actor: Principal, now: dt.datetime
) -> tuple[Enterprise, CardHead]:
    """Registers an enterprise and issues its card (entry 1, ``CARD_ISSUED``)."""
    _check_enterprise(fields, "enterprise.").raise_if_any()
    if stored.find(session, Enterprise, fields.uscc) is not None:
        raise AlreadyExists("enterprise", fields.uscc)
    enterprise = Enterprise(**_issue_payload(fields), create_time=now, update_time=now)
    stored.add(session, enterprise)  # the card row refers to the enterprise row
    card = cards.issue_card(session, fields.uscc, at=now)
    head = cards.append_entry(
        session, card, kind=EntryKind.CARD_ISSUED, actor=actor, at=now, payload=_issue_payload(fields)
    )
    return enterprise, head


def get_enterprise(session: Session, uscc: str) -> Enterprise:
    enterprise = stored.find(session, Enterprise, uscc)
    if enterprise is None:
        raise NotFound("enterprise", uscc)
    return enterprise


def update_enterprise(
    session: Session,
    uscc: str,
    changes: dict[str, Any],
    *,
    actor: Principal,
    now: dt.datetime,
) -> tuple[EnterpriseRow, CardHead]:
    """Applies the named field changes and writes them on the card with old and new values."""
    violations = Violations()
    if not uscc:
        violations.add("enterprise.uscc", "is required")
    if not changes:
        violations.add("update_mask", "names no field to change")
    for path in changes:
        if path not in ENTERPRISE_MUTABLE:
            violations.add(
                "update_mask", f"{path!r} cannot be changed (allowed: {', '.join(ENTERPRISE_MUTABLE)})"
            )
    if "name" in changes:
        _text(violations, "enterprise.name", changes["name"])
    for path in ("industry", "district"):
        if path in changes:
            _text(violations, f"enterprise.{path}", changes[path], required=False)
    if "credit_class" in changes and changes["credit_class"] not in CREDIT_CLASSES:
        violations.add("enterprise.credit_class", "must be one of A, B, C, D")
    violations.raise_if_any()

    card = cards.lock_card(session, uscc)
    enterprise = stored.enterprise_row(session, uscc)
    if enterprise is None:
        raise NotFound("enterprise", uscc)
    diff = {
        path: {"old": getattr(enterprise, path), "new": value}
        for path, value in sorted(changes.items())
        if getattr(enterprise, path) != value
    }
    if not diff:
        return enterprise, cards.head_of(card)
    values = {path: change["new"] for path, change in diff.items()}
    values["update_time"] = now
    stored.update_enterprise(session, uscc, values)
    head = cards.append_entry(
        session, card, kind=EntryKind.ENTERPRISE_UPDATED, actor=actor, at=now, payload={"changes": diff}
    )
    return enterprise._replace(**values), head


@dataclass(frozen=True)
class EnterpriseQuery:
    district: str = ""
    industry: str = ""
    credit_class: str = ""


def list_enterprises(
    session: Session, query: EnterpriseQuery, *, size: int, token: str
) -> tuple[list[Enterprise], str]:
    filters = {"district": query.district, "industry": query.industry, "credit_class": query.credit_class}
    return _keyset_page(session, Enterprise, Enterprise.uscc, filters, size=size, token=token, default=100)


def _keyset_page(
    session: Session,
    model: type[M],
    key_column: Any,
    filters: dict[str, Any],
    *,
    size: int,
    token: str,
    default: int,
    key_type: type = str,
) -> tuple[list[M], str]:
    """A page of ``model`` rows whose columns equal the non-empty ``filters``, in key order."""
    return keyset_page(
        lambda after, limit: stored.page(session, model, key_column, equal=filters, after=after, limit=limit),
        lambda row: getattr(row, key_column.key),
        query=filters,
        size=size,
        token=token,
        key_type=key_type,
        default_size=default,
    )


# --- CSV import --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    description: str


@dataclass(frozen=True)
class ImportReport:
    rows_read: int
    rows_imported: int
    errors: list[RowError]


#: The most data rows one import takes; a larger file is split (the CLI sends chunks).
MAX_IMPORT_ROWS = 200_000
#: The longest value of one CSV field (the longest free text of any request); a longer one is its
#: row's error, quoted by its length only.
MAX_CSV_FIELD = 2000
#: Columns whose values are taken exactly as written: an identifier is refused with surrounding
#: spaces, as CreateEnterprise refuses it, rather than silently trimmed.
_EXACT_COLUMNS = frozenset({"uscc", "id", "department_code"})


def _read_csv(data: bytes, required: Sequence[str]) -> tuple[list[dict[str, str]], list[RowError]]:
    """The data rows of a CSV file as dicts by header name, and the problems that make a row (or
    the file: row 0) unusable. Lines end with LF, CRLF or a bare CR (old spreadsheets); a line the
    CSV grammar cannot read, a field over ``MAX_CSV_FIELD`` characters or a row with more fields
    than the header is that row's error, and the rows around it are read on. Text values are
    trimmed of surrounding spaces except identifiers (``_EXACT_COLUMNS``)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return [], [RowError(0, "csv", f"is not UTF-8 text ({exc.reason} at byte {exc.start})")]
    # newline="": the csv module sees each line ending as written, so a bare CR ends a row.
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip() for name in next(reader, [])]
    except csv.Error as exc:
        return [], [RowError(0, "csv", f"the header cannot be read: {str(exc)[:120]}")]
    missing = [name for name in required if name not in header]
    if missing:
        return [], [RowError(0, "csv", f"header lacks column(s): {', '.join(missing)}")]
    rows: list[dict[str, str]] = []
    errors: list[RowError] = []
    number = 0
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            number += 1
            errors.append(RowError(number, "csv", f"line {reader.line_num} cannot be read: {str(exc)[:120]}"))
            rows.append({})
            continue
        if not values:
            continue  # a blank line
        number += 1
        if number > MAX_IMPORT_ROWS:
            return [], [
                RowError(0, "csv", f"has more than {MAX_IMPORT_ROWS:,} data rows; import it in parts")
            ]
        rows.append(_row(number, header, values, errors))
    return rows, errors


def _row(number: int, header: list[str], values: list[str], errors: list[RowError]) -> dict[str, str]:
    if len(values) > len(header):
        errors.append(RowError(number, "csv", f"has {len(values)} fields; the header names {len(header)}"))
    row: dict[str, str] = {}
    for name, value in zip(header, values, strict=False):
        if len(value) > MAX_CSV_FIELD:
            errors.append(
                RowError(number, name, f"is {len(value):,} characters long; at most {MAX_CSV_FIELD:,}")
            )
            value = ""
        row[name] = value if name in _EXACT_COLUMNS else value.strip()
    return row


def _flag(value: str) -> bool | None:
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "y", "是"):
        return True
    if lowered in ("", "0", "false", "no", "n", "否"):
        return False
    return None


ENTERPRISE_COLUMNS = (
    "uscc",
    "name",
    "above_designated_size",
    "industry",
    "district",
    "credit_class",
    "white_listed",
)


def import_enterprises(session: Session, data: bytes, *, actor: Principal, now: dt.datetime) -> ImportReport:
    """Imports every valid row (each with its card); reports the others. Nothing of a bad row is written."""
    rows, errors = _read_csv(data, ("uscc", "name"))
    if any(e.row == 0 for e in errors):
        return ImportReport(0, 0, errors)
    unreadable = {e.row for e in errors}
    candidates: list[tuple[int, EnterpriseFields]] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows, start=1):
        if number in unreadable:
            continue
        row_errors: list[RowError] = []
        flags = {name: _flag(row.get(name, "")) for name in ("above_designated_size", "white_listed")}
        for name, flag in flags.items():
            if flag is None:
                row_errors.append(RowError(number, name, "must be true/false, 1/0, yes/no or 是/否"))
        fields = EnterpriseFields(
            uscc=row.get("uscc", ""),
            name=row.get("name", ""),
            above_designated_size=bool(flags["above_designated_size"]),
            industry=row.get("industry", ""),
            district=row.get("district", ""),
            credit_class=(row.get("credit_class") or "B").upper(),
            white_listed=bool(flags["white_listed"]),
        )
        row_errors.extend(
            RowError(number, v.field, v.description) for v in _check_enterprise(fields, "").items
        )
        if fields.uscc in seen and not row_errors:
            row_errors.append(RowError(number, "uscc", f"repeats row {seen[fields.uscc]}"))
        if row_errors:
            errors.extend(row_errors)
            continue
        seen[fields.uscc] = number
        candidates.append((number, fields))

    already = stored.existing_usccs(session, [f.uscc for _, f in candidates])
    accepted = []
    for number, fields in candidates:
        if fields.uscc in already:
            errors.append(RowError(number, "uscc", "is already registered"))
        else:
            accepted.append(fields)
    _insert_enterprises(session, accepted, actor=actor, now=now)
    errors.sort(key=lambda e: e.row)
    return ImportReport(len(rows), len(accepted), errors)


def _insert_enterprises(
    session: Session, accepted: Sequence[EnterpriseFields], *, actor: Principal, now: dt.datetime
) -> None:
    """Bulk-inserts enterprises, their cards and their issue entries (the hot path of a district import)."""
    if not accepted:
        return
    enterprise_rows, card_rows, entry_rows = [], [], []
    for fields in accepted:
        payload = _issue_payload(fields)
        enterprise_rows.append({**payload, "create_time": now, "update_time": now})
        entry: cards.EntryFields = {
            "uscc": fields.uscc,
            "seq": 1,
            "kind": EntryKind.CARD_ISSUED.value,
            "actor_sub": actor.sub,
            "actor_role": actor.role.value,
            "actor_org": actor.org,
            "department_code": None,
            "inspection_id": None,
            "time": now,
            "payload_json": cards.canonical_json(payload),
            "prev_hash": cards.GENESIS_HASH,
        }
        digest = cards.entry_hash(**entry)
        entry_rows.append({**entry, "entry_hash": digest})
        card_rows.append({"uscc": fields.uscc, "head_seq": 1, "head_hash": digest, "issue_time": now})
    stored.insert_enterprises(session, enterprise_rows, card_rows, entry_rows)


# --- departments, inspectors, checklist and fee items ---------------------------------------


def _require(session: Session, model: type[M], key: str, resource: str) -> M:
    found = stored.find(session, model, key)
    if found is None:
        raise NotFound(resource, key)
    return found


def get_department(session: Session, code: str) -> Department:
    return _require(session, Department, code, "department")


def get_inspector(session: Session, inspector_id: str) -> Inspector:
    return _require(session, Inspector, inspector_id, "inspector")


def get_checklist_item(session: Session, code: str) -> ChecklistItem:
    return _require(session, ChecklistItem, code, "checklist item")


def get_fee_item(session: Session, code: str) -> FeeItem:
    return _require(session, FeeItem, code, "fee item")


def create_department(session: Session, department: Department) -> Department:
    violations = Violations()
    _code(violations, "department.code", department.code, max_length=DEPARTMENT_CODE_LENGTH)
    _text(violations, "department.name", department.name)
    violations.raise_if_any()
    if stored.find(session, Department, department.code) is not None:
        raise AlreadyExists("department", department.code)
    stored.add(session, department)
    return department


def _known_department(session: Session, violations: Violations, path: str, code: str) -> None:
    if code and not violations and stored.find(session, Department, code) is None:
        violations.add(path, f"names no registered department ({code!r})")


def parse_date(violations: Violations, path: str, value: str, *, required: bool = True) -> dt.date | None:
    if not value:
        if required:
            violations.add(path, "is required (YYYY-MM-DD)")
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        violations.add(path, f"{value!r} is not a date (YYYY-MM-DD)")
        return None


def _check_inspector(violations: Violations, inspector: Inspector, prefix: str) -> None:
    _code(violations, f"{prefix}id", inspector.id)
    _code(violations, f"{prefix}department_code", inspector.department_code)
    _text(violations, f"{prefix}name", inspector.name)
    _text(violations, f"{prefix}certificate_number", inspector.certificate_number, required=False)
    expiry = f"{prefix}certificate_expiry"
    if inspector.certificate_number and inspector.certificate_expiry is None and not violations.has(expiry):
        violations.add(expiry, "is required with a certificate number")


def create_inspector(session: Session, inspector: Inspector, violations: Violations) -> Inspector:
    _check_inspector(violations, inspector, "inspector.")
    _known_department(session, violations, "inspector.department_code", inspector.department_code)
    violations.raise_if_any()
    if stored.find(session, Inspector, inspector.id) is not None:
        raise AlreadyExists("inspector", inspector.id)
    stored.add(session, inspector)
    return inspector


def is_certified(inspector: Inspector | InspectorRow, today: dt.date) -> bool:
    """Active and holding an enforcement certificate valid today; auxiliary staff never are."""
    return bool(
        inspector.active
        and inspector.certificate_number
        and inspector.certificate_expiry is not None
        and inspector.certificate_expiry >= today
    )


INSPECTOR_COLUMNS = ("id", "department_code", "name", "certificate_number", "certificate_expiry", "active")


def import_inspectors(session: Session, data: bytes) -> ImportReport:
    rows, errors = _read_csv(data, ("id", "department_code", "name"))
    if any(e.row == 0 for e in errors):
        return ImportReport(0, 0, errors)
    unreadable = {e.row for e in errors}
    departments = stored.department_codes(session)
    candidates: list[tuple[int, Inspector]] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows, start=1):
        if number in unreadable:
            continue
        violations = Violations()
        active = _flag(row.get("active", "") or "true")
        if active is None:
            violations.add("active", "must be true/false, 1/0, yes/no or 是/否")
        inspector = Inspector(
            id=row.get("id", ""),
            department_code=row.get("department_code", ""),
            name=row.get("name", ""),
            certificate_number=row.get("certificate_number", ""),
            certificate_expiry=parse_date(
                violations, "certificate_expiry", row.get("certificate_expiry", ""), required=False
            ),
            active=bool(active),
        )
        _check_inspector(violations, inspector, "")
        if inspector.department_code and inspector.department_code not in departments:
            violations.add(
                "department_code", f"names no registered department ({inspector.department_code!r})"
            )
        if inspector.id in seen and not violations:
            violations.add("id", f"repeats row {seen[inspector.id]}")
        if violations:
            errors.extend(RowError(number, v.field, v.description) for v in violations.items)
            continue
        seen[inspector.id] = number
        candidates.append((number, inspector))
    already = stored.existing_inspector_ids(session, [i.id for _, i in candidates])
    accepted = []
    for number, inspector in candidates:
        if inspector.id in already:
            errors.append(RowError(number, "id", "is already registered"))
        else:
            accepted.append(inspector)
    stored.add_all(session, accepted)
    errors.sort(key=lambda e: e.row)
    return ImportReport(len(rows), len(accepted), errors)


#: The documents of one checklist item: how many, and how long each.
MAX_MATERIALS = 30


def create_checklist_item(
    session: Session, item: ChecklistItem, *, materials: Sequence[str] = ()
) -> ChecklistItem:
    violations = Violations()
    _code(violations, "item.code", item.code)
    _code(violations, "item.department_code", item.department_code)
    _text(violations, "item.name", item.name)
    _text(violations, "item.legal_basis", item.legal_basis)
    if len(materials) > MAX_MATERIALS:
        violations.add("item.materials", f"lists at most {MAX_MATERIALS} documents")
    for index, document in enumerate(materials[:MAX_MATERIALS]):
        _text(violations, f"item.materials[{index}]", document)
    if len(set(materials)) != len(materials):
        violations.add("item.materials", "lists a document twice")
    _known_department(session, violations, "item.department_code", item.department_code)
    violations.raise_if_any()
    item.materials_json = json.dumps(list(materials), ensure_ascii=False)
    if stored.find(session, ChecklistItem, item.code) is not None:
        raise AlreadyExists("checklist item", item.code)
    stored.add(session, item)
    return item


def create_project_kind(
    session: Session, kind: ProjectKind, *, item_codes: Sequence[str] = ()
) -> ProjectKind:
    """A kind of project and the department that leads its joint acceptance (预约验收)."""
    violations = Violations()
    _code(violations, "kind.code", kind.code)
    _text(violations, "kind.name", kind.name)
    _code(violations, "kind.lead_department", kind.lead_department)
    _known_department(session, violations, "kind.lead_department", kind.lead_department)
    for index, code in enumerate(item_codes):
        item = stored.find(session, ChecklistItem, code)
        if item is None or not item.published:
            violations.add(f"kind.item_codes[{index}]", f"names no published checklist item ({code!r})")
    if len(set(item_codes)) != len(item_codes):
        violations.add("kind.item_codes", "names an item twice")
    violations.raise_if_any()
    if stored.find(session, ProjectKind, kind.code) is not None:
        raise AlreadyExists("project kind", kind.code)
    kind.item_codes_json = json.dumps(list(item_codes))
    stored.add(session, kind)
    return kind


def project_kind_items(kind: ProjectKind) -> list[str]:
    loaded = json.loads(kind.item_codes_json or "[]")
    return [str(code) for code in loaded] if isinstance(loaded, list) else []


def list_project_kinds(session: Session, *, size: int, token: str) -> tuple[list[ProjectKind], str]:
    return _keyset_page(session, ProjectKind, ProjectKind.code, {}, size=size, token=token, default=100)


def materials_of(item: ChecklistItem) -> list[str]:
    """The documents to prepare for ``item`` (一次性告知)."""
    loaded = json.loads(item.materials_json or "[]")
    return [str(document) for document in loaded] if isinstance(loaded, list) else []


def create_fee_item(session: Session, item: FeeItem, violations: Violations, *, now: dt.datetime) -> FeeItem:
    """Registers a catalogue item and publishes it as its version 1 (收费清单); later changes are
    new versions (``fees.revise_item``), never edits."""
    _code(violations, "item.code", item.code)
    _code(violations, "item.department_code", item.department_code)
    for path in ("name", "policy_basis", "fee_nature", "unit", "collecting_unit"):
        _text(violations, f"item.{path}", getattr(item, path))
    if item.amount_fen <= 0:
        violations.add("item.amount_fen", "must be a positive number of fen")
    if item.valid_from and item.valid_to and item.valid_to < item.valid_from:
        violations.add("item.valid_to", "must not be before valid_from")
    _known_department(session, violations, "item.department_code", item.department_code)
    violations.raise_if_any()
    if stored.find(session, FeeItem, item.code) is not None:
        raise AlreadyExists("fee item", item.code)
    stored.add(session, item)
    stored.add(
        session,
        FeeItemVersion(
            item_code=item.code,
            version=1,
            department_code=item.department_code,
            name=item.name,
            policy_basis=item.policy_basis,
            fee_nature=item.fee_nature,
            amount_fen=item.amount_fen,
            unit=item.unit,
            collecting_unit=item.collecting_unit,
            valid_from=item.valid_from,
            valid_to=item.valid_to,
            publish_time=now,
        ),
    )
    return item


def list_departments(session: Session, *, size: int, token: str) -> tuple[list[Department], str]:
    return _keyset_page(session, Department, Department.code, {}, size=size, token=token, default=100)


def list_inspectors(
    session: Session, *, department_code: str, size: int, token: str
) -> tuple[list[Inspector], str]:
    return list_by_department(
        session, Inspector, Inspector.id, department_code=department_code, size=size, token=token
    )


def list_checklist_items(
    session: Session, *, department_code: str, size: int, token: str
) -> tuple[list[ChecklistItem], str]:
    return list_by_department(
        session, ChecklistItem, ChecklistItem.code, department_code=department_code, size=size, token=token
    )


def list_fee_items(
    session: Session, *, department_code: str, size: int, token: str
) -> tuple[list[FeeItem], str]:
    return list_by_department(
        session, FeeItem, FeeItem.code, department_code=department_code, size=size, token=token
    )


def list_by_department(
    session: Session, model: type[M], key: Any, *, department_code: str, size: int, token: str
) -> tuple[list[M], str]:
    return _keyset_page(
        session, model, key, {"department_code": department_code}, size=size, token=token, default=100
    )


# --- recusals ---------------------------------------------------------------------------------


def create_recusal(
    session: Session, *, inspector_id: str, uscc: str, reason: str, actor: Principal, now: dt.datetime
) -> tuple[Recusal, CardHead]:
    violations = Violations()
    _code(violations, "recusal.inspector_id", inspector_id)
    problem = uscc_problem(uscc)
    if problem:
        violations.add("recusal.uscc", problem)
    _text(violations, "recusal.reason", reason, required=False)
    violations.raise_if_any()
    card = cards.lock_card(session, uscc)
    inspector = get_inspector(session, inspector_id)
    existing = stored.recusal(session, inspector_id=inspector_id, uscc=uscc)
    if existing is not None:
        raise AlreadyExists("recusal", f"{inspector_id}/{uscc}")
    recusal = Recusal(inspector_id=inspector_id, uscc=uscc, reason=reason, create_time=now)
    stored.add(session, recusal)
    cards.append_entry(
        session,
        card,
        kind=EntryKind.RECUSAL_RECORDED,
        actor=actor,
        at=now,
        payload={"inspector_id": inspector_id, "reason": reason},
        department_code=inspector.department_code,
    )
    return recusal, cards.head_of(card)


def list_recusals(
    session: Session, *, uscc: str, inspector_id: str, size: int, token: str
) -> tuple[list[Recusal], str]:
    filters = {"uscc": uscc, "inspector_id": inspector_id}
    return _keyset_page(
        session, Recusal, Recusal.id, filters, size=size, token=token, default=100, key_type=int
    )
