"""structlog set-up: one JSON line per event when not on a terminal, readable lines when on one."""

from __future__ import annotations

import functools
import json as jsonlib
import logging
import sys
from collections.abc import Callable
from typing import Any

import structlog


@functools.cache
def _encoder(default: Callable[[Any], Any]) -> jsonlib.JSONEncoder:
    return jsonlib.JSONEncoder(ensure_ascii=False, default=default)


def _render_json(event_dict: Any, *, default: Callable[[Any], Any]) -> str:
    """``json.dumps(event_dict, ensure_ascii=False, default=default)`` with an encoder built once:
    ``json.dumps`` with arguments builds a new encoder for every line, and every call logs one."""
    return _encoder(default).encode(event_dict)


def configure_logging(*, json: bool | None = None, level: str = "INFO") -> None:
    use_json = (not sys.stderr.isatty()) if json is None else json
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer(_render_json) if use_json else structlog.dev.ConsoleRenderer()
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.StackInfoRenderer(),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=True,
    )
