"""What ``login`` counts failed logins in, and how they reach the audit log.

``LoginGuard`` carries the app's :class:`~camroute.auth.throttle.LoginThrottle` and
:class:`~camroute.auth.failures.LoginFailureTally` (built once per app in
:mod:`camroute.auth.gate`); without them (the CLI, tests of the service) every failure is
audited on its own and nothing is throttled.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import Engine

from camroute.audit.service import Action, record
from camroute.auth.failures import FailureSummary, LoginFailureTally
from camroute.auth.throttle import LoginThrottle
from camroute.errors import LoginThrottledError


@dataclass(frozen=True)
class LoginGuard:
    """What ``login`` counts failures in; both None: no throttling, every failure audited."""

    throttle: LoginThrottle | None = None
    failures: LoginFailureTally | None = None


def record_login_failures(engine: Engine, summaries: list[FailureSummary]) -> None:
    """Write aggregated failed-login events (see :mod:`camroute.auth.failures`)."""
    if not summaries:
        return
    with engine.begin() as conn:
        for summary in summaries:
            record(
                conn,
                actor=summary.user[:128] or "-",
                role="none",
                action=Action.login_failed,
                details=summary.details(),
            )


def audit_failure(
    engine: Engine,
    username: str,
    reason: str,
    client: str | None,
    failures: LoginFailureTally | None,
) -> None:
    """Audit one failed login: at once without a tally, else as the tally says."""
    if failures is not None:
        summary = failures.add(user=username[:128], client=client, reason=reason)
        record_login_failures(engine, [summary] if summary is not None else [])
        return
    with engine.begin() as conn:
        record(
            conn,
            actor=username[:128] or "-",
            role="none",
            action=Action.login_failed,
            details={"reason": reason, "client": client},
        )


def refuse_if_throttled(
    engine: Engine, username: str, client: str | None, guard: LoginGuard
) -> None:
    """A locked user name or address is refused before any password is checked."""
    if guard.throttle is None:
        return
    wait_s = guard.throttle.retry_after_s(user=username, address=client)
    if wait_s is None:
        return
    audit_failure(engine, username, "throttled", client, guard.failures)
    raise LoginThrottledError(
        f"too many failed logins for this user name or address; try again in {math.ceil(wait_s)} s",
        retry_after_s=wait_s,
        field="username",
    )
