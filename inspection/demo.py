"""The demo district (示范区): a small, deterministic registry to try the service on, and one
bearer token per role to try it with. Loaded by ``inspection demo load`` (``make run``)."""

from __future__ import annotations

import datetime as dt
import os
import random
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlmodel import Session, col
from stdnum.cn import uscc as uscc_code

from inspection.auth import Principal, Role, issue_token
from inspection.clock import Clock, SystemClock
from inspection.config import Settings
from inspection.domain import registry
from inspection.domain.calendar import Calendar
from inspection.errors import Violations
from inspection.storage.db import Database
from inspection.storage.models import (
    ChecklistItem,
    Department,
    Enterprise,
    FeeItem,
    Inspector,
    ProjectKind,
    Recusal,
)

#: Everything random below is drawn from this seed, so every load yields the same district.
SEED = 20260316
DISTRICT = "示范区"
#: The administrative division code inside the demo USCCs (GB/T 2260 form, six digits).
DIVISION = "330106"
ENTERPRISES = 200
#: Demo tokens last a working day; `make demo` writes new ones, `onecard token refresh` extends one.
TOKEN_TTL = dt.timedelta(hours=12)

#: The enterprise the README walks through: a food manufacturer, credit class B, not white-listed.
DEMO_USCC_BODY = "91330106MA2H0C1T5"
DEMO_USCC = DEMO_USCC_BODY + uscc_code.calc_check_digit(DEMO_USCC_BODY)
DEMO_ENTERPRISE_NAME = "示范区鑫源食品有限公司"

LOADER = Principal(sub="demo-loader", role=Role.ADMIN)


@dataclass(frozen=True)
class DemoDepartment:
    code: str
    name: str
    #: (code suffix, name, legal basis) of its published checklist items (检查事项).
    items: tuple[tuple[str, str, str], ...]
    #: (code suffix, name, fee nature, amount in fen, unit) of its fee catalogue (收费清单).
    fees: tuple[tuple[str, str, str, int, str], ...]


#: The documents an enterprise prepares for some items (一次性告知 at a joint check's booking).
MATERIALS: dict[str, tuple[str, ...]] = {
    "XFJY-SS01": ("消防设计审查意见书", "消防设施检测报告", "竣工图纸（消防部分）"),
    "XFJY-TD01": ("疏散平面图", "竣工图纸（消防部分）"),
    "YJGL-AQ01": ("安全生产责任制文件", "安全设施设计专篇", "从业人员安全培训记录"),
    "SCJG-TZ01": ("特种设备使用登记证", "定期检验报告"),
    "ZJJ-ZL01": ("竣工验收报告", "工程质量检测报告", "竣工图纸"),
}

#: Kinds of project an enterprise may ask to have accepted, each with its designated lead
#: department and its usual items (预约验收).
PROJECT_KINDS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("WORKSHOP", "厂房竣工验收", "ZJJ", ("ZJJ-ZL01", "XFJY-SS01", "XFJY-TD01", "YJGL-AQ01")),
    ("PRODUCTION-LINE", "生产线投产验收", "YJGL", ("YJGL-AQ01", "SCJG-TZ01", "STHJ-PW01")),
)

ADMINISTRATIVE = "行政事业性收费"
SERVICE = "经营服务性收费"

DEPARTMENTS: tuple[DemoDepartment, ...] = (
    DemoDepartment(
        "SCJG",
        f"{DISTRICT}市场监督管理局",
        (
            ("SP01", "食品生产经营过程控制", "《中华人民共和国食品安全法》"),
            (
                "SP02",
                "食品标签与进货查验记录",
                "《中华人民共和国食品安全法》《食品生产经营监督检查管理办法》",
            ),
            ("TZ01", "特种设备使用登记与定期检验", "《中华人民共和国特种设备安全法》"),
            ("JL01", "强制检定计量器具", "《中华人民共和国计量法》"),
            ("GG01", "广告发布合规", "《中华人民共和国广告法》"),
        ),
        (
            ("JD01", "计量器具强制检定费", ADMINISTRATIVE, 5_000, "台件"),
            ("TZ01", "特种设备定期检验费", SERVICE, 30_000, "台"),
        ),
    ),
    DemoDepartment(
        "YJGL",
        f"{DISTRICT}应急管理局",
        (
            ("AQ01", "安全生产责任制落实", "《中华人民共和国安全生产法》"),
            ("WH01", "危险化学品储存与使用", "《危险化学品安全管理条例》"),
            ("YA01", "生产安全事故应急预案与演练", "《生产安全事故应急条例》"),
            ("YH01", "重大事故隐患排查治理", "《中华人民共和国安全生产法》"),
        ),
        (("PJ01", "安全评价技术服务费", SERVICE, 200_000, "次"),),
    ),
    DemoDepartment(
        "XFJY",
        f"{DISTRICT}消防救援大队",
        (
            ("SS01", "消防设施器材配置与完好", "《中华人民共和国消防法》"),
            ("TD01", "疏散通道与安全出口畅通", "《中华人民共和国消防法》"),
            ("PX01", "消防安全培训与演练", "《机关、团体、企业、事业单位消防安全管理规定》"),
        ),
        (
            ("JC01", "建筑消防设施检测费", SERVICE, 150, "平方米"),
            ("WB01", "消防设施维护保养检测费", SERVICE, 80, "平方米"),
        ),
    ),
    DemoDepartment(
        "STHJ",
        f"{DISTRICT}生态环境局",
        (
            ("PW01", "排污许可证执行情况", "《排污许可管理条例》"),
            ("FS01", "危险废物贮存与转移联单", "《中华人民共和国固体废物污染环境防治法》"),
            ("DQ01", "大气污染防治设施运行", "《中华人民共和国大气污染防治法》"),
            ("SW01", "水污染物排放", "《中华人民共和国水污染防治法》"),
        ),
        (
            ("JC01", "环境监测服务费", SERVICE, 120_000, "点位"),
            ("FX01", "污染源自动监控设备比对监测费", SERVICE, 80_000, "套"),
        ),
    ),
    DemoDepartment(
        "WSJK",
        f"{DISTRICT}卫生健康委员会",
        (
            ("ZY01", "职业病危害因素检测与告知", "《中华人民共和国职业病防治法》"),
            ("GC01", "公共场所卫生", "《公共场所卫生管理条例》"),
            ("YS01", "生活饮用水卫生", "《生活饮用水卫生监督管理办法》"),
        ),
        (
            ("ZY01", "职业病危害因素检测费", SERVICE, 60_000, "点位"),
            ("GC01", "公共场所卫生检测费", SERVICE, 30_000, "次"),
        ),
    ),
    DemoDepartment(
        "ZJJ",
        f"{DISTRICT}住房和城乡建设局",
        (
            ("SG01", "施工现场安全生产", "《建设工程安全生产管理条例》"),
            ("ZL01", "建设工程质量", "《建设工程质量管理条例》"),
            ("RQ01", "燃气经营与使用安全", "《城镇燃气管理条例》"),
        ),
        (
            ("ZL01", "建设工程质量检测费", SERVICE, 45_000, "组"),
            ("RQ01", "燃气设施安全检测费", SERVICE, 20_000, "户"),
        ),
    ),
)

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡"
    "余杜叶程苏魏吕丁沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚华建国志文斌宇浩然晨晓雪婷欣怡俊峰凯鹏辉颖倩琳"
STREETS = ("东湖街道", "城南街道", "高新园区", "临港街道", "滨江街道", "北苑街道", "西溪镇")
TRADE_NAMES = (
    "宏达", "恒泰", "金源", "瑞丰", "华信", "永安", "德盛", "隆兴", "天成", "嘉禾", "信达", "安泰",
    "昌盛", "聚丰", "新锐", "中诚", "立信", "汇通", "明辉", "正兴", "福瑞", "博远", "同创", "和泰",
    "祥云", "海纳", "远航", "东升", "润泽", "凯旋",
)  # fmt: skip
#: Industry as registered, and the words a company name in it uses.
INDUSTRIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("食品制造", ("食品", "粮油", "乳业", "调味品")),
    ("餐饮服务", ("餐饮管理", "餐饮", "酒楼")),
    ("化工", ("化工", "新材料", "涂料")),
    ("建筑施工", ("建设工程", "建筑", "市政工程")),
    ("机械制造", ("机械", "精密制造", "装备")),
    ("仓储物流", ("物流", "供应链", "仓储")),
    ("医药", ("医药", "生物科技", "医疗器械")),
    ("批发零售", ("商贸", "超市", "贸易")),
    ("住宿", ("酒店管理", "宾馆")),
    ("燃气供应", ("燃气", "能源")),
)
SUFFIXES = ("有限公司", "有限公司", "有限公司", "股份有限公司", "有限责任公司")
CREDIT_WEIGHTS = (("A", 30), ("B", 45), ("C", 18), ("D", 7))
RECUSAL_REASONS = ("亲属在该企业任职", "三年内曾在该企业任职", "与企业负责人存在利害关系")
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015: no I, O, S, V, Z


@dataclass(frozen=True)
class DemoEnterprise:
    uscc: str
    name: str
    industry: str
    district: str
    credit_class: str
    above_designated_size: bool
    white_listed: bool


def demo_enterprises(rng: random.Random, count: int = ENTERPRISES) -> list[DemoEnterprise]:
    """``count`` enterprises with valid, distinct USCCs and names; the README's one comes first."""
    found = [
        DemoEnterprise(DEMO_USCC, DEMO_ENTERPRISE_NAME, "食品制造", STREETS[0], "B", True, False),
    ]
    usccs, names = {DEMO_USCC}, {DEMO_ENTERPRISE_NAME}
    classes = [c for c, _ in CREDIT_WEIGHTS]
    weights = [w for _, w in CREDIT_WEIGHTS]
    for _ in range(count * 20):  # far more draws than needed; collisions are rare
        if len(found) >= count:
            break
        body = "91" + DIVISION + "MA" + "".join(rng.choice(USCC_ALPHABET) for _ in range(7))
        uscc = body + uscc_code.calc_check_digit(body)
        industry, words = rng.choice(INDUSTRIES)
        name = f"{DISTRICT}{rng.choice(TRADE_NAMES)}{rng.choice(words)}{rng.choice(SUFFIXES)}"
        if uscc in usccs or name in names:
            continue
        usccs.add(uscc)
        names.add(name)
        credit = rng.choices(classes, weights)[0]
        found.append(
            DemoEnterprise(
                uscc=uscc,
                name=name,
                industry=industry,
                district=rng.choice(STREETS),
                credit_class=credit,
                above_designated_size=rng.random() < 0.35,
                # 无事不扰: a share of the well-run (class A) enterprises is white-listed.
                white_listed=credit == "A" and rng.random() < 0.3,
            )
        )
    return found


def _enterprise_csv(enterprises: list[DemoEnterprise]) -> bytes:
    lines = ["uscc,name,above_designated_size,industry,district,credit_class,white_listed"]
    for e in enterprises:
        lines.append(
            f"{e.uscc},{e.name},{str(e.above_designated_size).lower()},{e.industry},{e.district},"
            f"{e.credit_class},{str(e.white_listed).lower()}"
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


def _person(rng: random.Random, taken: set[str]) -> str:
    for _ in range(1000):
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        if name not in taken:
            taken.add(name)
            return name
    raise RuntimeError("ran out of demo names")


@dataclass
class Loaded:
    departments: int = 0
    inspectors: int = 0
    checklist_items: int = 0
    fee_items: int = 0
    enterprises: int = 0
    recusals: int = 0


def _load_directories(
    session: Session, rng: random.Random, today: dt.date, loaded: Loaded, now: dt.datetime
) -> list[str]:
    """Departments, inspectors, checklist items and fee items; returns the certified inspector ids."""
    certified: list[str] = []
    people: set[str] = set()
    for number, department in enumerate(DEPARTMENTS, start=1):
        if session.get(Department, department.code) is None:
            registry.create_department(session, Department(code=department.code, name=department.name))
            loaded.departments += 1
        staff: list[Inspector] = []
        serial = 0
        for _ in range(rng.randint(4, 6)):
            serial += 1
            staff.append(
                Inspector(
                    id=f"{department.code}-{serial:02d}",
                    department_code=department.code,
                    name=_person(rng, people),
                    certificate_number=f"{DIVISION}{number:02d}{serial:04d}",
                    certificate_expiry=today + dt.timedelta(days=rng.randint(240, 1100)),
                    active=True,
                )
            )
        # To show the rule: auxiliary staff (协管员) hold no enforcement certificate, and an
        # expired certificate does not count either; neither may be named on an inspection.
        serial += 1
        staff.append(
            Inspector(
                id=f"{department.code}-{serial:02d}",
                department_code=department.code,
                name=_person(rng, people),
                active=True,
            )
        )
        serial += 1
        staff.append(
            Inspector(
                id=f"{department.code}-{serial:02d}",
                department_code=department.code,
                name=_person(rng, people),
                certificate_number=f"{DIVISION}{number:02d}{serial:04d}",
                certificate_expiry=today - dt.timedelta(days=rng.randint(10, 90)),
                active=True,
            )
        )
        for inspector in staff:
            if inspector.certificate_expiry and inspector.certificate_expiry >= today:
                certified.append(inspector.id)
            if session.get(Inspector, inspector.id) is None:
                registry.create_inspector(session, inspector, Violations())
                loaded.inspectors += 1
        for suffix, name, basis in department.items:
            code = f"{department.code}-{suffix}"
            if session.get(ChecklistItem, code) is None:
                item = ChecklistItem(code=code, department_code=department.code, name=name, legal_basis=basis)
                registry.create_checklist_item(session, item, materials=MATERIALS.get(code, ()))
                loaded.checklist_items += 1
        for suffix, name, nature, amount_fen, unit in department.fees:
            code = f"{department.code}-F{suffix}"
            if session.get(FeeItem, code) is None:
                fee = FeeItem(
                    code=code,
                    department_code=department.code,
                    name=name,
                    policy_basis=f"{DISTRICT}发展和改革局收费公示（示范数据）",
                    fee_nature=nature,
                    amount_fen=amount_fen,
                    unit=unit,
                    collecting_unit=department.name
                    if nature == ADMINISTRATIVE
                    else f"{DISTRICT}政务服务中心",
                    valid_from=dt.date(today.year, 1, 1),
                )
                registry.create_fee_item(session, fee, Violations(), now=now)
                loaded.fee_items += 1
    for code, name, lead, items in PROJECT_KINDS:
        if session.get(ProjectKind, code) is None:
            registry.create_project_kind(
                session, ProjectKind(code=code, name=name, lead_department=lead), item_codes=items
            )
    return certified


def _load_recusals(
    session: Session,
    rng: random.Random,
    certified: list[str],
    enterprises: list[DemoEnterprise],
    now: dt.datetime,
) -> int:
    # The walkthrough enterprise gets one, so naming SCJG-03 for it shows the recusal rule (回避).
    pairs = [("SCJG-03", DEMO_USCC, RECUSAL_REASONS[0])]
    for enterprise in rng.sample(enterprises[1:], 4):
        pairs.append((rng.choice(certified), enterprise.uscc, rng.choice(RECUSAL_REASONS)))
    count = 0
    for inspector_id, uscc, reason in pairs:
        exists = session.execute(
            select(col(Recusal.id)).where(
                col(Recusal.inspector_id) == inspector_id, col(Recusal.uscc) == uscc
            )
        ).first()
        if exists is None:
            registry.create_recusal(
                session, inspector_id=inspector_id, uscc=uscc, reason=reason, actor=LOADER, now=now
            )
            count += 1
    return count


def _count_enterprises(session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(Enterprise)).scalar_one())


def _token_enterprise(session: Session) -> str:
    """The demo enterprise when it is registered, else the first registered one."""
    if session.get(Enterprise, DEMO_USCC) is not None:
        return DEMO_USCC
    first = session.execute(
        select(col(Enterprise.uscc)).order_by(col(Enterprise.uscc)).limit(1)
    ).scalar_one_or_none()
    return first or DEMO_USCC


def write_tokens(settings: Settings, tokens_file: Path, *, enterprise_uscc: str, now: dt.datetime) -> int:
    """Writes ``export ONECARD_TOKEN_<ROLE>=…`` lines (mode 0600) and returns how many."""
    key = settings.signing_key.get_secret_value()
    principals = {
        "ADMIN": Principal("demo-admin", Role.ADMIN),
        "LEGAL_OFFICE": Principal("demo-legal-office", Role.LEGAL_OFFICE),
        "SUPERVISION": Principal("demo-supervision", Role.SUPERVISION),
        "SCJG": Principal("demo-scjg-clerk", Role.DEPARTMENT, "SCJG"),
        "YJGL": Principal("demo-yjgl-clerk", Role.DEPARTMENT, "YJGL"),
        "XFJY": Principal("demo-xfjy-clerk", Role.DEPARTMENT, "XFJY"),
        "ENTERPRISE": Principal("demo-enterprise-officer", Role.ENTERPRISE, enterprise_uscc),
        "SERVICE_HALL": Principal("demo-service-hall", Role.SERVICE_HALL),
    }
    expires = Calendar.from_settings(settings).today(now + TOKEN_TTL).isoformat()
    lines = [
        "# Demo bearer tokens for the one-card registry, one per role; valid until " + expires + ".",
        "# Use:  source var/demo-tokens.env && export ONECARD_TOKEN=$ONECARD_TOKEN_ADMIN",
        f"export ONECARD_DEMO_USCC={enterprise_uscc}",
    ]
    for label, p in principals.items():
        token = issue_token(key, sub=p.sub, role=p.role, org=p.org, ttl=TOKEN_TTL, now=now)
        lines.append(f"export ONECARD_TOKEN_{label}={token}")
    tokens_file.parent.mkdir(parents=True, exist_ok=True)
    # Written to a private temporary file and renamed, so the tokens are never world-readable.
    handle, temporary = tempfile.mkstemp(dir=tokens_file.parent, prefix=".demo-tokens-")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write("\n".join(lines) + "\n")
        os.chmod(temporary, 0o600)
        os.replace(temporary, tokens_file)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return len(principals)


def load_demo(settings: Settings, tokens_file: Path, *, clock: Clock | None = None) -> str:
    """Loads the demo district into a database without enterprises, writes the demo tokens, and
    says in one line what it did."""
    now = (clock or SystemClock()).now()
    today = Calendar.from_settings(settings).today(now)
    rng = random.Random(SEED)
    database = Database(settings.database_url, pool_size=1)
    loaded = Loaded()
    try:
        with database.write() as session:
            existing = _count_enterprises(session)
            if existing == 0:
                certified = _load_directories(session, rng, today, loaded, now)
                enterprises = demo_enterprises(rng)
                report = registry.import_enterprises(
                    session, _enterprise_csv(enterprises), actor=LOADER, now=now
                )
                if report.errors:
                    problems = "; ".join(f"row {e.row} {e.field}: {e.description}" for e in report.errors[:3])
                    raise RuntimeError(f"the demo enterprises did not import: {problems}")
                loaded.enterprises = report.rows_imported
                loaded.recusals = _load_recusals(session, rng, certified, enterprises, now)
        with database.read() as session:
            uscc = _token_enterprise(session)
    finally:
        database.dispose()
    tokens = write_tokens(settings, tokens_file, enterprise_uscc=uscc, now=now)
    if existing:
        done = f"the database already holds {existing} enterprises, so the demo district was not loaded"
    else:
        done = (
            f"loaded the demo district {DISTRICT}: {loaded.departments} departments, "
            f"{loaded.inspectors} inspectors, {loaded.checklist_items} checklist items, "
            f"{loaded.fee_items} fee items, {loaded.enterprises} enterprises, {loaded.recusals} recusals"
        )
    return f"{done}; wrote {tokens} demo tokens to {tokens_file} (demo enterprise {uscc})"
