"""The service's errors: an HTTP status, a kind (one word, counted in `/metrics`) and a message naming
what was wrong. Every error answers JSON, `{"error": KIND, "detail": MESSAGE}`."""

from __future__ import annotations


class ServiceError(Exception):
    def __init__(self, status: int, kind: str, detail: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status, self.kind, self.detail, self.headers = status, kind, detail, headers or {}

    def body(self) -> dict[str, str]:
        return {"error": self.kind, "detail": self.detail}
