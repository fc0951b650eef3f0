"""Random double selection (双随机) for every role: anyone reads and verifies a draw, the lead
department plans, freezes and keeps its draws in order, the offices decide and supply the entropy."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp

from clients.facades.base import DateInput, EnumInput, Facade, date_message, enum_value, paged
from inspection.v1 import common_pb2 as common_pb
from inspection.v1 import draw_service_pb2 as draw_pb
from inspection.v1 import draw_service_pb2_grpc as draw_grpc
from inspection.v1 import inspection_service_pb2 as insp_pb

#: The independent verifier: a standard-library script, run as its own process.
VERIFIER = Path(__file__).resolve().parent.parent / "cli" / "verify_draw.py"


def _stamp(instant: dt.datetime) -> Timestamp:
    if instant.tzinfo is None:
        raise ValueError("give the entropy time with its time zone")
    found = Timestamp()
    found.FromDatetime(instant)
    return found


@dataclass
class LocalVerification:
    """The draw as the independent script reproduced it from the published inputs alone."""

    plan_id: str
    pool_digest_ok: bool
    parameters_digest_ok: bool
    seed_ok: bool
    result_digest: str
    result_ok: bool
    differences: list[str] = field(default_factory=list)

    @property
    def verified(self) -> bool:
        return self.pool_digest_ok and self.parameters_digest_ok and self.seed_ok and self.result_ok


class DrawReader(Facade):
    """The public side of draws (一公开): plans, their published inputs, their results."""

    @property
    def _draws(self) -> draw_grpc.DrawServiceStub:
        return draw_grpc.DrawServiceStub(self.connection.channel)

    def draw_plans(
        self, *, department_code: str = "", state: EnumInput = 0, limit: int | None = None
    ) -> Iterator[draw_pb.DrawPlan]:
        request = draw_pb.ListDrawPlansRequest(
            department_code=department_code,
            state=enum_value(draw_pb.DrawPlanState, "DRAW_PLAN_STATE_", state),
        )
        return paged(self.connection, self._draws.ListDrawPlans, request, "plans", limit=limit)

    def draw_plan(self, plan_id: str) -> draw_pb.DrawPlan:
        return self._call(
            self._draws.GetDrawPlan, draw_pb.GetDrawPlanRequest(plan_id=plan_id), draw_pb.DrawPlan
        )

    def draw_parameters(self, plan_id: str) -> draw_pb.DrawParameters:
        request = draw_pb.GetDrawParametersRequest(plan_id=plan_id)
        return self._call(self._draws.GetDrawParameters, request, draw_pb.DrawParameters)

    def draw_pool(self, plan_id: str) -> bytes:
        """The pool file exactly as published (``USCC,CLASS`` lines)."""
        chunks = self.connection.stream(self._draws.GetDrawPool, draw_pb.GetDrawPoolRequest(plan_id=plan_id))
        return b"".join(chunk.data for chunk in chunks)

    def verify_draw(self, plan_id: str) -> draw_pb.VerifyDrawResponse:
        """The service re-runs the draw from its stored inputs."""
        request = draw_pb.VerifyDrawRequest(plan_id=plan_id)
        return self._call(self._draws.VerifyDraw, request, draw_pb.VerifyDrawResponse)

    def verify_draw_locally(self, plan_id: str, *, timeout: float = 600) -> LocalVerification:
        """Downloads the pool, the parameters and the plan, runs the independent verifier script on
        this machine, and compares what it prints with what the service says was drawn."""
        plan = self.draw_plan(plan_id)
        if plan.state != draw_pb.DRAW_PLAN_STATE_EXECUTED:
            state = draw_pb.DrawPlanState.Name(plan.state).removeprefix("DRAW_PLAN_STATE_").lower()
            raise RuntimeError(f"draw plan {plan_id} is {state}: there is no draw to verify yet")
        parameters = self.draw_parameters(plan_id).parameters_json.encode()
        pool = self.draw_pool(plan_id)
        with tempfile.TemporaryDirectory(prefix="onecard-draw-") as folder:
            (Path(folder) / "pool.txt").write_bytes(pool)
            (Path(folder) / "parameters.json").write_bytes(parameters)
            ran = subprocess.run(
                [sys.executable, "-I", str(VERIFIER), "pool.txt", "parameters.json", plan.entropy],
                cwd=folder,
                capture_output=True,
                timeout=timeout,
                check=False,
            )
        if ran.returncode != 0:
            raise RuntimeError(f"the verifier failed: {ran.stderr.decode(errors='replace').strip()}")
        document = ran.stdout.strip()
        result: Mapping[str, Any] = json.loads(document)
        digest = hashlib.sha256(document).hexdigest()
        differences = [
            f"{d.uscc}: the service's inspectors differ from the script's"
            for d, theirs in zip(plan.drawn, result["drawn"], strict=False)
            if _initial(d) != {code: sorted(ids) for code, ids in theirs["inspectors"].items()}
        ]
        ours = [(d.uscc, d.key) for d in plan.drawn]
        theirs_drawn = [(d["uscc"], d["key"]) for d in result["drawn"]]
        if ours != theirs_drawn:
            differences.append("the drawn enterprises or their order differ from the script's")
        return LocalVerification(
            plan_id=plan_id,
            pool_digest_ok=hashlib.sha256(pool).hexdigest() == plan.pool_digest == result["pool_digest"],
            parameters_digest_ok=hashlib.sha256(parameters).hexdigest() == plan.parameters_digest,
            seed_ok=result["seed"] == plan.seed,
            result_digest=digest,
            result_ok=digest == plan.result_digest and not differences,
            differences=differences,
        )


def _initial(drawn: draw_pb.DrawnEnterprise) -> dict[str, list[str]]:
    """The inspectors drawn at execution, by department (replacements are recorded beside them)."""
    found: dict[str, list[str]] = {}
    for person in drawn.inspectors:
        if not person.replaces:
            found.setdefault(person.department_code, []).append(person.inspector_id)
    return {code: sorted(ids) for code, ids in found.items()}


class DrawPlanner(DrawReader):
    """A department's side: its plans, their freeze, and keeping its draws in order."""

    def create_draw_plan(
        self,
        *,
        title: str,
        item_codes: list[str],
        window_start: DateInput,
        window_end: DateInput,
        legal_basis: str,
        entropy_source: str,
        entropy_time: dt.datetime,
        department_codes: list[str] | None = None,
        districts: list[str] | None = None,
        industries: list[str] | None = None,
        credit_classes: list[EnumInput] | None = None,
        above_designated_size: bool | None = None,
        ratios_percent: Mapping[str, float] | None = None,
        fixed_count: int = 0,
        inspectors_per_enterprise: int = 0,
        request_id: str | None = None,
    ) -> draw_pb.DrawPlan:
        population = draw_pb.PopulationFilter(
            districts=districts or [],
            industries=industries or [],
            credit_classes=[
                enum_value(common_pb.CreditClass, "CREDIT_CLASS_", c) for c in credit_classes or []
            ],
        )
        if above_designated_size is not None:
            population.above_designated_size = above_designated_size
        request = draw_pb.CreateDrawPlanRequest(
            title=title,
            department_codes=department_codes or [],
            item_codes=item_codes,
            filter=population,
            ratios=[
                draw_pb.StratumRatio(
                    credit_class=enum_value(common_pb.CreditClass, "CREDIT_CLASS_", cls),
                    ratio_bp=round(pct * 100),
                )
                for cls, pct in (ratios_percent or {}).items()
            ],
            fixed_count=fixed_count,
            inspectors_per_enterprise=inspectors_per_enterprise,
            window_start=date_message(window_start),
            window_end=date_message(window_end),
            legal_basis=legal_basis,
            entropy_source=entropy_source,
            entropy_time=_stamp(entropy_time),
        )
        return self._call(self._draws.CreateDrawPlan, request, draw_pb.DrawPlan, request_id)

    def freeze_draw_plan(self, plan_id: str, *, request_id: str | None = None) -> draw_pb.DrawPlan:
        request = draw_pb.FreezeDrawPlanRequest(plan_id=plan_id)
        return self._call(self._draws.FreezeDrawPlan, request, draw_pb.DrawPlan, request_id)

    def replace_drawn_inspector(
        self,
        plan_id: str,
        uscc: str,
        inspector_id: str,
        reason: str,
        *,
        replacement: str = "",
        request_id: str | None = None,
    ) -> draw_pb.DrawnEnterprise:
        request = draw_pb.ReplaceDrawnInspectorRequest(
            plan_id=plan_id,
            uscc=uscc,
            inspector_id=inspector_id,
            reason=reason,
            replacement_inspector_id=replacement,
        )
        return self._call(self._draws.ReplaceDrawnInspector, request, draw_pb.DrawnEnterprise, request_id)

    def remove_drawn_enterprise(
        self, plan_id: str, uscc: str, reason: str, *, request_id: str | None = None
    ) -> draw_pb.DrawnEnterprise:
        request = draw_pb.RemoveDrawnEnterpriseRequest(plan_id=plan_id, uscc=uscc, reason=reason)
        return self._call(self._draws.RemoveDrawnEnterprise, request, draw_pb.DrawnEnterprise, request_id)

    def request_redraw(
        self,
        plan_id: str,
        reason: str,
        *,
        entropy_source: str,
        entropy_time: dt.datetime,
        request_id: str | None = None,
    ) -> draw_pb.DrawPlan:
        request = draw_pb.RequestRedrawRequest(
            plan_id=plan_id, reason=reason, entropy_source=entropy_source, entropy_time=_stamp(entropy_time)
        )
        return self._call(self._draws.RequestRedraw, request, draw_pb.DrawPlan, request_id)


class DrawDecider(DrawReader):
    """An office's side: deciding plans with the other office, and supplying the named entropy."""

    def decide_draw_plan(
        self, plan_id: str, *, approve: bool, comment: str = "", request_id: str | None = None
    ) -> draw_pb.DrawPlan:
        request = draw_pb.DecideDrawPlanRequest(
            plan_id=plan_id,
            decision=insp_pb.DECISION_APPROVE if approve else insp_pb.DECISION_REJECT,
            comment=comment,
        )
        return self._call(self._draws.DecideDrawPlan, request, draw_pb.DrawPlan, request_id)

    def execute_draw(self, plan_id: str, entropy: str, *, request_id: str | None = None) -> draw_pb.DrawPlan:
        request = draw_pb.ExecuteDrawRequest(plan_id=plan_id, entropy=entropy)
        return self._call(self._draws.ExecuteDraw, request, draw_pb.DrawPlan, request_id)
