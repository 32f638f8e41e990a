"""Typed readers for configuration that comes from the environment.

Every reader fails loudly (ImproperlyConfigured-like ``EnvError``) on a value it
cannot interpret, because a silently ignored typo in production settings is
worse than a crash at start-up.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}

_UNSET = object()


class EnvError(RuntimeError):
    pass


def env_str(name: str, default: str | object = _UNSET, *, environ: Mapping[str, str] | None = None) -> str:
    environ = os.environ if environ is None else environ
    if name in environ:
        return environ[name]
    if default is _UNSET:
        raise EnvError(f"Environment variable {name} is required but not set.")
    return default  # type: ignore[return-value]


def env_bool(name: str, default: bool, *, environ: Mapping[str, str] | None = None) -> bool:
    environ = os.environ if environ is None else environ
    if name not in environ:
        return default
    raw = environ[name].strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise EnvError(f"Environment variable {name}={raw!r} is not a boolean (use 1/0, true/false, yes/no, on/off).")


def env_int(name: str, default: int, *, environ: Mapping[str, str] | None = None) -> int:
    return _env_parsed(name, default, int, "an integer", environ)


def env_float(name: str, default: float, *, environ: Mapping[str, str] | None = None) -> float:
    return _env_parsed(name, default, float, "a number", environ)


def _env_parsed(name, default, parse, kind: str, environ: Mapping[str, str] | None):
    environ = os.environ if environ is None else environ
    if name not in environ:
        return default
    try:
        return parse(environ[name])
    except ValueError:
        raise EnvError(f"Environment variable {name}={environ[name]!r} is not {kind}.") from None


def env_list(name: str, default: list[str], *, environ: Mapping[str, str] | None = None) -> list[str]:
    environ = os.environ if environ is None else environ
    if name not in environ:
        return list(default)
    return [item.strip() for item in environ[name].split(",") if item.strip()]
