"""DrawService: translate protobuf to draw plans (双随机) and back."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import grpc
from sqlmodel import Session

from inspection.api import convert
from inspection.api.base import ServicerBase
from inspection.api.enums import CREDIT_CLASSES_MAP, DECISIONS, PLAN_STATES
from inspection.api.inspection_convert import office_decision
from inspection.auth import Role
from inspection.domain.draws import plans as domain
from inspection.domain.inspections import mask_name
from inspection.errors import Violations
from inspection.v1 import draw_service_pb2 as pb
from inspection.v1 import draw_service_pb2_grpc as pb_grpc

#: The pool file goes out in pieces of this size (well under gRPC's 4 MiB message limit).
POOL_CHUNK = 1 << 20


class DrawServicer(ServicerBase, pb_grpc.DrawServiceServicer):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rules = domain.DrawRules.from_settings(self.settings)

    @property
    def _masked(self) -> bool:
        return self.call.principal.role is Role.PUBLIC

    def _plan(self, view: domain.PlanView) -> pb.DrawPlan:
        return plan_message(view, mask_names=self._masked)

    def CreateDrawPlan(self, request: pb.CreateDrawPlanRequest, context: grpc.ServicerContext) -> pb.DrawPlan:
        violations = Violations()
        ratios: dict[str, int] = {}
        for index, ratio in enumerate(request.ratios):
            member = CREDIT_CLASSES_MAP.from_proto(
                ratio.credit_class, violations, f"ratios[{index}].credit_class", required=True
            )
            if member is not None:
                if member.value in ratios:
                    violations.add(f"ratios[{index}].credit_class", "names a class twice")
                ratios[member.value] = ratio.ratio_bp
        classes = []
        for index, number in enumerate(request.filter.credit_classes):
            member = CREDIT_CLASSES_MAP.from_proto(
                number, violations, f"filter.credit_classes[{index}]", required=True
            )
            if member is not None:
                classes.append(member.value)
        ask = domain.PlanRequest(
            title=request.title,
            department_codes=tuple(request.department_codes),
            item_codes=tuple(request.item_codes),
            industries=tuple(request.filter.industries),
            districts=tuple(request.filter.districts),
            credit_classes=tuple(sorted(set(classes))),
            above_designated_size=(
                request.filter.above_designated_size
                if request.filter.HasField("above_designated_size")
                else None
            ),
            ratios_bp=ratios,
            fixed_count=request.fixed_count,
            inspectors_per_enterprise=request.inspectors_per_enterprise or self.rules.min_inspectors,
            window_start=convert.day(
                violations, "window_start", request.window_start, request.HasField("window_start")
            ),
            window_end=convert.day(
                violations, "window_end", request.window_end, request.HasField("window_end")
            ),
            legal_basis=request.legal_basis,
            entropy_source=request.entropy_source,
            entropy_time=convert.instant(
                request.entropy_time, request.HasField("entropy_time"), field="entropy_time"
            ),
        )
        return self.write(
            request,
            pb.DrawPlan,
            lambda s: self._plan(
                domain.create_plan(
                    s, self.rules, ask, violations, actor=self.call.principal, now=self.clock.now()
                )
            ),
        )

    def DecideDrawPlan(self, request: pb.DecideDrawPlanRequest, context: grpc.ServicerContext) -> pb.DrawPlan:
        violations = Violations()
        decision = DECISIONS.from_proto(request.decision, violations, "decision")
        return self.write(
            request,
            pb.DrawPlan,
            lambda s: self._plan(
                domain.decide_plan(
                    s,
                    request.plan_id,
                    decision.value if decision else "",
                    request.comment,
                    violations,
                    actor=self.call.principal,
                    now=self.clock.now(),
                )
            ),
        )

    def FreezeDrawPlan(self, request: pb.FreezeDrawPlanRequest, context: grpc.ServicerContext) -> pb.DrawPlan:
        return self.write(
            request,
            pb.DrawPlan,
            lambda s: self._plan(
                domain.freeze_plan(
                    s, self.rules, request.plan_id, actor=self.call.principal, now=self.clock.now()
                )
            ),
        )

    def ExecuteDraw(self, request: pb.ExecuteDrawRequest, context: grpc.ServicerContext) -> pb.DrawPlan:
        return self.write(
            request,
            pb.DrawPlan,
            lambda s: self._plan(
                domain.execute_draw(
                    s,
                    self.rules,
                    request.plan_id,
                    request.entropy,
                    Violations(),
                    actor=self.call.principal,
                    now=self.clock.now(),
                )
            ),
        )

    def GetDrawPlan(self, request: pb.GetDrawPlanRequest, context: grpc.ServicerContext) -> pb.DrawPlan:
        return self.read(lambda s: self._plan(domain.get_plan(s, request.plan_id, Violations())))

    def ListDrawPlans(
        self, request: pb.ListDrawPlansRequest, context: grpc.ServicerContext
    ) -> pb.ListDrawPlansResponse:
        violations = Violations()
        state = PLAN_STATES.from_proto(request.state, violations, "state")
        violations.raise_if_any()

        def work(session: Session) -> pb.ListDrawPlansResponse:
            views, token = domain.list_plans(
                session,
                department_code=request.department_code,
                state=state.value if state else "",
                size=request.page_size,
                token=request.page_token,
            )
            return pb.ListDrawPlansResponse(plans=[self._plan(v) for v in views], next_page_token=token)

        return self.read(work)

    def GetDrawParameters(
        self, request: pb.GetDrawParametersRequest, context: grpc.ServicerContext
    ) -> pb.DrawParameters:
        def work(session: Session) -> pb.DrawParameters:
            plan, _ = domain.published_inputs(session, request.plan_id, Violations())
            return pb.DrawParameters(
                parameters_json=plan.parameters_json, parameters_digest=plan.parameters_digest
            )

        return self.read(work)

    def GetDrawPool(
        self, request: pb.GetDrawPoolRequest, context: grpc.ServicerContext
    ) -> Iterator[pb.DrawPoolChunk]:
        plan, pool = self.read(lambda s: domain.published_inputs(s, request.plan_id, Violations()))
        for start in range(0, max(len(pool), 1), POOL_CHUNK):
            yield pb.DrawPoolChunk(data=pool[start : start + POOL_CHUNK], pool_digest=plan.pool_digest)

    def VerifyDraw(
        self, request: pb.VerifyDrawRequest, context: grpc.ServicerContext
    ) -> pb.VerifyDrawResponse:
        found = self.read(lambda s: domain.verify_draw(s, request.plan_id, Violations()))
        return pb.VerifyDrawResponse(
            verified=found.verified,
            pool_digest=found.pool_digest,
            parameters_digest=found.parameters_digest,
            seed=found.seed,
            result_digest=found.result_digest,
            differences=found.differences,
        )

    def ReplaceDrawnInspector(
        self, request: pb.ReplaceDrawnInspectorRequest, context: grpc.ServicerContext
    ) -> pb.DrawnEnterprise:
        return self.write(
            request,
            pb.DrawnEnterprise,
            lambda s: drawn_message(
                domain.replace_inspector(
                    s,
                    self.rules,
                    request.plan_id,
                    request.uscc,
                    request.inspector_id,
                    request.reason,
                    request.replacement_inspector_id,
                    Violations(),
                    actor=self.call.principal,
                    now=self.clock.now(),
                ),
                mask_names=False,
            ),
        )

    def RemoveDrawnEnterprise(
        self, request: pb.RemoveDrawnEnterpriseRequest, context: grpc.ServicerContext
    ) -> pb.DrawnEnterprise:
        return self.write(
            request,
            pb.DrawnEnterprise,
            lambda s: drawn_message(
                domain.remove_enterprise(
                    s,
                    request.plan_id,
                    request.uscc,
                    request.reason,
                    Violations(),
                    actor=self.call.principal,
                    now=self.clock.now(),
                ),
                mask_names=False,
            ),
        )

    def RequestRedraw(self, request: pb.RequestRedrawRequest, context: grpc.ServicerContext) -> pb.DrawPlan:
        entropy_time = convert.instant(
            request.entropy_time, request.HasField("entropy_time"), field="entropy_time"
        )
        return self.write(
            request,
            pb.DrawPlan,
            lambda s: self._plan(
                domain.request_redraw(
                    s,
                    self.rules,
                    request.plan_id,
                    request.reason,
                    request.entropy_source,
                    entropy_time,
                    Violations(),
                    actor=self.call.principal,
                    now=self.clock.now(),
                )
            ),
        )


def plan_message(view: domain.PlanView, *, mask_names: bool) -> pb.DrawPlan:
    plan = view.plan
    wanted = json.loads(plan.filter_json)
    population = pb.PopulationFilter(
        industries=wanted["industries"],
        districts=wanted["districts"],
        credit_classes=[CREDIT_CLASSES_MAP.to_proto(c) for c in wanted["credit_classes"]],
    )
    if wanted["above_designated_size"] is not None:
        population.above_designated_size = wanted["above_designated_size"]
    ratios = json.loads(plan.ratios_json) if plan.ratios_json else {}
    return pb.DrawPlan(
        id=plan.id,
        title=plan.title,
        lead_department=plan.lead_department,
        department_codes=view.departments,
        item_codes=json.loads(plan.item_codes_json),
        filter=population,
        ratios=[
            pb.StratumRatio(credit_class=CREDIT_CLASSES_MAP.to_proto(c), ratio_bp=bp)
            for c, bp in sorted(ratios.items())
        ],
        fixed_count=plan.fixed_count or 0,
        inspectors_per_enterprise=plan.inspectors_per_enterprise,
        window_start=convert.date(plan.window_start),
        window_end=convert.date(plan.window_end),
        legal_basis=plan.legal_basis,
        entropy_source=plan.entropy_source,
        entropy_time=convert.timestamp(plan.entropy_time),
        state=PLAN_STATES.to_proto(plan.state),
        requested_by=mask_name(plan.requested_by) if mask_names else plan.requested_by,
        request_time=convert.timestamp(plan.request_time),
        approvals=[office_decision(d, mask_names=mask_names) for d in view.approvals],
        redraw_of=plan.redraw_of or "",
        redraw_reason=plan.redraw_reason,
        redrawn_by=view.redrawn_by,
        freeze_time=convert.timestamp(plan.freeze_time),
        pool_digest=plan.pool_digest,
        pool_size=plan.pool_size,
        parameters_digest=plan.parameters_digest,
        strata=[pb.Stratum(name=s["name"], size=s["size"], drawn=s["drawn"]) for s in view.strata],
        entropy=plan.entropy,
        execute_time=convert.timestamp(plan.execute_time),
        seed=plan.seed,
        result_digest=plan.result_digest,
        drawn=[drawn_message(d, mask_names=mask_names) for d in view.drawn],
        drawn_count=len(view.drawn)
        if view.drawn
        else sum(s["drawn"] for s in view.strata)
        if plan.seed
        else 0,
    )


def drawn_message(view: domain.DrawnView, *, mask_names: bool) -> pb.DrawnEnterprise:
    s = view.selection
    return pb.DrawnEnterprise(
        plan_id=s.plan_id,
        position=s.position,
        uscc=s.uscc,
        enterprise_name=view.enterprise_name,
        stratum=s.stratum,
        key=s.draw_key,
        inspection_id=s.inspection_id or "",
        short_of=json.loads(s.short_of_json),
        inspectors=[
            pb.DrawnInspector(
                inspector_id=a.inspector_id,
                name=mask_name(name) if mask_names else name,
                department_code=a.department_code,
                replaces=a.replaces or "",
                released_reason=a.released_reason,
            )
            for a, name in view.inspectors
        ],
        removed_reason=s.removed_reason,
        remove_time=convert.timestamp(s.remove_time),
    )
