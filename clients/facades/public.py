"""The public: the feed of published results (一公开), the published directories, codes at the door."""

from __future__ import annotations

from collections.abc import Iterator

from clients.connection import Connection
from clients.facades.base import (
    paged,
)
from clients.facades.draws import DrawReader
from clients.facades.readers import CodeVerifier, DirectoryReader
from inspection.v1 import public_service_pb2 as public_pb


class PublicClient(CodeVerifier, DirectoryReader, DrawReader):
    """Anyone, without a token: the public feed (一公开) and verifying an inspection code."""

    def __init__(self, connection: Connection) -> None:
        super().__init__(connection.anonymous() if connection.token else connection)

    def published_results(
        self, *, uscc: str = "", department_code: str = "", limit: int | None = None
    ) -> Iterator[public_pb.PublishedResult]:
        request = public_pb.ListPublishedResultsRequest(uscc=uscc, department_code=department_code)
        return paged(self.connection, self._public.ListPublishedResults, request, "results", limit=limit)
