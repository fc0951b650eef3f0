"""AccessService: refreshing one's own bearer token, and revoking tokens."""

from __future__ import annotations

import datetime as dt

import grpc
from sqlmodel import Session

from inspection.api import convert
from inspection.api.base import ServicerBase
from inspection.domain import access
from inspection.errors import Unauthenticated
from inspection.reasons import Reason
from inspection.storage.models import TokenRevocation
from inspection.v1 import access_service_pb2 as pb
from inspection.v1 import access_service_pb2_grpc as pb_grpc


def _revocation(row: TokenRevocation) -> pb.TokenRevocation:
    return pb.TokenRevocation(
        token_id=row.token_id or "",
        subject=row.subject or "",
        reason=row.reason,
        revoked_by=row.revoked_by,
        revoke_time=convert.timestamp(row.revoke_time),
    )


class AccessServicer(ServicerBase, pb_grpc.AccessServiceServicer):
    def RefreshToken(
        self, request: pb.RefreshTokenRequest, context: grpc.ServicerContext
    ) -> pb.RefreshTokenResponse:
        presented = self.call.credential
        if presented is None:  # the policy admits signed-in roles only; kept for a clear answer
            raise Unauthenticated("this method needs a bearer token", reason=Reason.TOKEN_MISSING)
        fresh = access.refresh(
            self.settings.signing_key.get_secret_value(),
            presented,
            now=self.clock.now(),
            max_lifetime=dt.timedelta(hours=self.settings.token_max_lifetime_hours),
        )
        return pb.RefreshTokenResponse(
            token=fresh.token, token_id=fresh.token_id, expire_time=convert.timestamp(fresh.expire_time)
        )

    def RevokeTokens(
        self, request: pb.RevokeTokensRequest, context: grpc.ServicerContext
    ) -> pb.TokenRevocation:
        def work(session: Session) -> pb.TokenRevocation:
            row = access.revoke(
                session,
                token_id=request.token_id,
                subject=request.subject,
                reason=request.reason,
                actor=self.call.principal,
                now=self.clock.now(),
            )
            return _revocation(row)

        return self.write(request, pb.TokenRevocation, work)
