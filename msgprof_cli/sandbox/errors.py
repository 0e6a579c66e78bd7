"""Errors in the API's shape: ``{"errors": [{"code", "title", "detail", "source"}]}``."""

from __future__ import annotations

from typing import Any


def api_error(
    code: str, title: str, detail: str | None = None, pointer: str | None = None, parameter: str | None = None
) -> dict[str, Any]:
    err: dict[str, Any] = {"code": code, "title": title}
    if detail:
        err["detail"] = detail
    if pointer is not None:
        err["source"] = {"pointer": pointer}
    elif parameter is not None:
        err["source"] = {"parameter": parameter}
    return err


class HttpError(Exception):
    """An answer other than 2xx; ``close`` ends the connection after it (the framing was broken)."""

    def __init__(
        self,
        status: int,
        errors: list[dict[str, Any]],
        headers: dict[str, str] | None = None,
        *,
        close: bool = False,
    ) -> None:
        super().__init__(status)
        self.status = status
        self.errors = errors
        self.headers = headers or {}
        self.close = close


def not_found(what: str, ident: str) -> HttpError:
    return HttpError(404, [api_error("10005", "Resource not found", f"No {what} with id {ident}.")])


def invalid(problems: list[tuple[str, str]]) -> HttpError:
    """422 with one error per (JSON pointer, detail)."""
    return HttpError(
        422, [api_error("10015", "Invalid parameter", detail, pointer=pointer) for pointer, detail in problems]
    )


def bad_parameter(name: str, detail: str) -> HttpError:
    return HttpError(400, [api_error("10015", "Invalid parameter", detail, parameter=name)])
