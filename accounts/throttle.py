"""Throttling of failed sign-ins, per username and per client address.

After ``SIGNIN_MAX_FAILURES`` failures within ``SIGNIN_WINDOW_SECONDS`` for the
same username, or from the same client address, further attempts are refused
before the password is even checked, so a guesser learns nothing from them.
The window slides: sign-in reopens when the oldest counted failure leaves it.
Refused attempts are not counted, so waiting always helps.

Failures are rows of ``SignInFailure`` rather than cache counters so that
parallel workers never lose a count; ``check`` and ``record_failure`` each
cost one query.

Settings:
  SIGNIN_MAX_FAILURES, SIGNIN_WINDOW_SECONDS
  SIGNIN_MAX_FAILURES_PER_IP (optional, defaults to SIGNIN_MAX_FAILURES): a
    classroom behind one NAT address may need more room than one username.
  SIGNIN_TRUSTED_PROXIES (optional, default 0): how many reverse proxies in
    front of the app append to X-Forwarded-For; 0 means REMOTE_ADDR is the
    client. Trusting the header without a proxy would let anyone pick their
    address and dodge the per-address limit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import math
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from accounts.models import SignInFailure
from hocvuso.lib.text import nfc


def _window() -> dt.timedelta:
    return dt.timedelta(seconds=settings.SIGNIN_WINDOW_SECONDS)


def _max_for_user() -> int:
    return settings.SIGNIN_MAX_FAILURES


def _max_for_ip() -> int:
    return getattr(settings, "SIGNIN_MAX_FAILURES_PER_IP", None) or settings.SIGNIN_MAX_FAILURES


@dataclass(frozen=True)
class Block:
    """Sign-in is refused until ``until``."""

    until: dt.datetime

    def retry_after(self, now: dt.datetime | None = None) -> int:
        """Whole seconds to wait (at least 1), for the Retry-After header."""
        now = now or timezone.now()
        return max(1, math.ceil((self.until - now).total_seconds()))


def client_ip(request) -> str:
    trusted = int(getattr(settings, "SIGNIN_TRUSTED_PROXIES", 0) or 0)
    if trusted > 0:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if forwarded:
            # Each proxy appends the address it received the request from, so
            # the client is the trusted-th entry from the right; anything
            # further left was written by the client and proves nothing.
            return forwarded[-trusted] if len(forwarded) >= trusted else forwarded[0]
    return request.META.get("REMOTE_ADDR", "") or ""


def _ip_bucket(ip: str) -> str:
    """The address an attacker cannot cheaply change: IPv6 clients get a whole /64."""
    try:
        addr = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if addr.version == 6:
        if addr.ipv4_mapped:
            return str(addr.ipv4_mapped)
        return str(ipaddress.ip_network(f"{addr}/64", strict=False))
    return str(addr)


def _hash(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


def username_key(username: str) -> str:
    # Case-folded so "Minh" and "minh" share a counter: stricter, never looser.
    return _hash("user", nfc(username).casefold())


def ip_key(ip: str) -> str:
    return _hash("ip", _ip_bucket(ip))


@dataclass(frozen=True)
class Status:
    block: Block | None
    # Attempts left before the stricter of the two counters blocks.
    remaining: int


def status(*, username: str, ip: str, now: dt.datetime | None = None) -> Status:
    now = now or timezone.now()
    keys = {username_key(username): _max_for_user(), ip_key(ip): _max_for_ip()}
    times: dict[str, list[dt.datetime]] = defaultdict(list)
    rows = SignInFailure.objects.filter(key__in=keys, at__gt=now - _window()).values_list("key", "at")
    for key, at in rows:
        times[key].append(at)
    until = None
    remaining = min(keys.values())
    for key, limit in keys.items():
        ats = sorted(times[key], reverse=True)
        remaining = min(remaining, max(0, limit - len(ats)))
        if len(ats) >= limit:
            # Attempts reopen when fewer than ``limit`` failures remain in
            # the window, i.e. when the limit-th newest one leaves it.
            reopens = ats[limit - 1] + _window()
            until = reopens if until is None else max(until, reopens)
    return Status(block=Block(until) if until else None, remaining=remaining)


def check(*, username: str, ip: str, now: dt.datetime | None = None) -> Block | None:
    return status(username=username, ip=ip, now=now).block


def record_failure(*, username: str, ip: str, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    SignInFailure.objects.bulk_create(
        [SignInFailure(key=username_key(username), at=now), SignInFailure(key=ip_key(ip), at=now)]
    )
    # Forget what no longer counts, so the table stays as small as the window.
    SignInFailure.objects.filter(at__lte=now - _window()).delete()


def clear_username(username: str) -> None:
    SignInFailure.objects.filter(key=username_key(username)).delete()
