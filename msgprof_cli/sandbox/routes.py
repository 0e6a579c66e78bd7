"""The route table: method and path pattern to the operation that answers, with its status."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from msgprof_cli.sandbox import autoresp, metrics, numbers, profiles, sender_ids, sendpath
from msgprof_cli.sandbox.errors import HttpError, api_error
from msgprof_cli.sandbox.state import State

# (state, path parameters, query, body) -> (status, JSON answer)
Operation = Callable[[State, dict[str, str], dict[str, str], Any], tuple[int, Any]]


def _data(fn: Callable[..., Any], *names: str, query: bool = False, body: bool = False, status: int = 200) -> Operation:
    """An operation answering ``{"data": fn(state, *path params[, query][, body])}``."""

    def op(state: State, params: dict[str, str], q: dict[str, str], b: Any) -> tuple[int, Any]:
        args = [params[n] for n in names] + ([q] if query else []) + ([b] if body else [])
        return status, {"data": fn(state, *args)}

    return op


def _whole(fn: Callable[..., Any], *names: str) -> Operation:
    """An operation whose result is already the whole answer (a page, or the metrics envelope)."""

    def op(state: State, params: dict[str, str], q: dict[str, str], b: Any) -> tuple[int, Any]:
        return 200, fn(state, *[params[n] for n in names], q)

    return op


def _related(state: State, params: dict[str, str], q: dict[str, str], b: Any) -> tuple[int, Any]:
    return 200, profiles.list_related(state, params["id"], params["kind"], q)


def _delete_autoresp(state: State, params: dict[str, str], q: dict[str, str], b: Any) -> tuple[int, Any]:
    return 200, autoresp.delete_config(state, params["id"], params["cfg"])


def _bare(fn: Callable[..., Any], *names: str, query: bool = False, body: bool = False) -> Operation:
    """A send-path operation whose result is the whole answer, not wrapped in ``data`` (the
    10DLC and toll-free operations); a ``sendpath.Answer`` is its error answer as it is."""

    def op(state: State, params: dict[str, str], q: dict[str, str], b: Any) -> tuple[int, Any]:
        args = [params[n] for n in names] + ([q] if query else []) + ([b] if body else [])
        try:
            return 200, fn(state, *args)
        except sendpath.Answer as exc:
            return exc.status, exc.body

    return op


_ID = r"(?P<id>[^/]+)"
_MP = "/v2/messaging_profiles"
_AR = rf"{_MP}/{_ID}/autoresp_configs"
_TABLE: list[tuple[str, str, Operation]] = [
    ("GET", rf"{_MP}", _whole(profiles.list_profiles)),
    ("POST", rf"{_MP}", _data(profiles.create, body=True)),
    ("GET", rf"{_MP}/{_ID}", _data(profiles.retrieve, "id")),
    ("PATCH", rf"{_MP}/{_ID}", _data(profiles.update, "id", body=True)),
    ("DELETE", rf"{_MP}/{_ID}", _data(profiles.delete, "id")),
    ("POST", rf"{_MP}/{_ID}/actions/regenerate_secret", _data(profiles.regenerate, "id")),
    ("GET", rf"{_MP}/{_ID}/(?P<kind>phone_numbers|short_codes|alphanumeric_sender_ids)", _related),
    ("GET", rf"{_MP}/{_ID}/metrics", _whole(metrics.profile_metrics, "id")),
    ("GET", r"/v2/messaging_profile_metrics", _whole(metrics.all_metrics)),
    ("GET", _AR, _whole(autoresp.list_configs, "id")),
    ("POST", _AR, _data(autoresp.create_config, "id", body=True)),
    ("GET", rf"{_AR}/(?P<cfg>[^/]+)", _data(autoresp.get_config, "id", "cfg")),
    ("PUT", rf"{_AR}/(?P<cfg>[^/]+)", _data(autoresp.update_config, "id", "cfg", body=True)),
    ("DELETE", rf"{_AR}/(?P<cfg>[^/]+)", _delete_autoresp),
    ("GET", r"/v2/phone_numbers/messaging", _whole(numbers.list_numbers)),
    ("GET", rf"/v2/phone_numbers/{_ID}/messaging", _data(numbers.get_number, "id")),
    ("PATCH", rf"/v2/phone_numbers/{_ID}/messaging", _data(numbers.update_number, "id", body=True)),
    ("POST", r"/v2/messaging_numbers_bulk_updates", _data(numbers.create_order, body=True)),
    ("GET", rf"/v2/messaging_numbers_bulk_updates/{_ID}", _data(numbers.get_order, "id")),
    ("GET", r"/v2/alphanumeric_sender_ids", _whole(sender_ids.list_sender_ids)),
    ("POST", r"/v2/alphanumeric_sender_ids", _data(sender_ids.create_sender_id, body=True, status=201)),
    ("GET", rf"/v2/alphanumeric_sender_ids/{_ID}", _data(sender_ids.get_sender_id, "id")),
    ("DELETE", rf"/v2/alphanumeric_sender_ids/{_ID}", _data(sender_ids.delete_sender_id, "id")),
]
_PNC = r"/v2/10dlc/phone_number_campaigns"
_TFV = r"/v2/messaging_tollfree/verification/requests"
_TABLE += [
    ("GET", r"/v2/10dlc/brand", _bare(sendpath.list_brands, query=True)),
    ("GET", rf"/v2/10dlc/brand/{_ID}", _bare(sendpath.get_brand, "id")),
    ("GET", r"/v2/10dlc/campaign", _bare(sendpath.list_campaigns, query=True)),
    ("GET", rf"/v2/10dlc/campaign/{_ID}", _bare(sendpath.get_campaign, "id")),
    ("GET", _PNC, _bare(sendpath.list_assignments, query=True)),
    ("POST", _PNC, _bare(sendpath.create_assignment, body=True)),
    ("GET", rf"{_PNC}/{_ID}", _bare(sendpath.get_assignment, "id")),
    ("PUT", rf"{_PNC}/{_ID}", _bare(sendpath.update_assignment, "id", body=True)),
    ("DELETE", rf"{_PNC}/{_ID}", _bare(sendpath.delete_assignment, "id")),
    ("GET", _TFV, _bare(sendpath.list_verifications, query=True)),
    ("GET", rf"{_TFV}/{_ID}", _bare(sendpath.get_verification, "id")),
    ("GET", rf"{_TFV}/{_ID}/status_history", _bare(sendpath.verification_history, "id", query=True)),
    ("GET", r"/v2/messaging_optouts", _bare(sendpath.list_optouts, query=True)),
    ("GET", r"/v2/messaging_hosted_numbers", _bare(sendpath.list_hosted, query=True)),
    ("GET", rf"/v2/messaging_hosted_numbers/{_ID}", _data(sendpath.get_hosted, "id")),
    ("GET", rf"/v2/messages/{_ID}", _data(sendpath.get_message, "id")),
]
ROUTES = [(method, re.compile(f"^{pattern}/?$"), op) for method, pattern, op in _TABLE]


def route(method: str, path: str) -> tuple[Operation, dict[str, str]]:
    """The operation for ``method path`` and its (still percent-encoded) path parameters."""
    allowed = False
    for m, pattern, op in ROUTES:
        match = pattern.match(path)
        if match and m == method:
            return op, match.groupdict()
        allowed = allowed or match is not None
    if allowed:
        raise HttpError(405, [api_error("10015", "Method not allowed", f"{method} is not allowed on {path[:80]}")])
    raise HttpError(404, [api_error("10005", "Resource not found", f"No route for {path[:80]}")])
