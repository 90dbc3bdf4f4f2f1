"""The hash chain, pure: canonical serialisation, event hashes, and the walk that verifies them.

Each event's ``hash`` is SHA-256 over the canonical JSON of every field (``id``, ``time``,
``actor``, ``role``, ``action``, ``subject``, ``incident_id``, ``purpose``, ``details``) plus the
previous event's hash. Ids are dense (1, 2, 3, ...), so an edited row fails its own hash, an
inserted or deleted row breaks the ids or the links, and the head row anchors the newest event.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS_HASH = "0" * 64
HASHED_FIELDS = (
    "id",
    "time",
    "actor",
    "role",
    "action",
    "subject",
    "incident_id",
    "purpose",
    "details",
)


def format_time(value: datetime) -> str:
    """The canonical text of a timestamp: UTC, microseconds, ``Z``.

    Examples
    --------
    >>> from datetime import UTC, datetime, timedelta, timezone
    >>> format_time(datetime(2026, 11, 22, 7, 30, tzinfo=timezone(timedelta(hours=7))))
    '2026-11-22T00:30:00.000000Z'
    """
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value.isoformat()} cannot be hashed (use aware UTC)")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_json(value: Any) -> str:
    """Compact JSON with sorted keys: one text for one value, whatever the store returns.

    Examples
    --------
    >>> canonical_json({"b": 1, "a": [1.5, None, "Hà Nội"]})
    '{"a":[1.5,null,"Hà Nội"],"b":1}'
    """
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def hash_parts(event: Mapping[str, Any]) -> tuple[str, str, str]:
    """The event's hashed text around its two chain values: ``head + id + middle + prev + tail``.

    The text is the canonical JSON of the hashed fields and ``prev_hash`` (keys sorted, so
    ``id`` and ``prev_hash`` fall at fixed places). PostgreSQL appends with these three parts
    and fills in the id and previous hash under the head row's lock (``audit_append``), so
    the hash is the same whichever side computes it.

    Examples
    --------
    >>> from datetime import UTC, datetime
    >>> e = {"id": 9, "time": datetime(2026, 11, 22, tzinfo=UTC), "actor": "an",
    ...      "role": "dispatcher", "action": "login_ok"}
    >>> head, middle, tail = hash_parts(e)
    >>> head
    '{"action":"login_ok","actor":"an","details":null,"id":'
    >>> middle
    ',"incident_id":null,"prev_hash":"'
    >>> tail
    '","purpose":null,"role":"dispatcher","subject":null,"time":"2026-11-22T00:00:00.000000Z"}'
    """
    fields: dict[str, Any] = {name: event.get(name) for name in HASHED_FIELDS}
    fields["time"] = format_time(event["time"])
    # One dumps of the whole object with stand-ins for the two chain values, cut at them:
    # one member at a time took 19 dumps per event, ~8 % of a new call's CPU.
    fields["id"], fields["prev_hash"] = _ID_MARK, _PREV_MARK
    head, rest = _cut(canonical_json(fields), f'"{_ID_MARK}"')
    middle, tail = _cut(rest, _PREV_MARK)
    return head, middle, tail


# Random per process: no event's text can hold them by chance or by design.
_ID_MARK = f"id-{uuid.uuid4().hex}"
_PREV_MARK = f"prev-{uuid.uuid4().hex}"


def _cut(text: str, mark: str) -> tuple[str, str]:
    before, found, after = text.partition(mark)
    if not found or mark in after:
        raise RuntimeError("audit hash: a chain stand-in is missing or repeated")
    return before, after


def event_hash(event: Mapping[str, Any], prev_hash: str) -> str:
    """SHA-256 (hex) of the event's hashed fields and ``prev_hash``.

    Examples
    --------
    >>> from datetime import UTC, datetime
    >>> e = {"id": 1, "time": datetime(2026, 11, 22, tzinfo=UTC), "actor": "an",
    ...      "role": "dispatcher", "action": "login_ok"}
    >>> h = event_hash(e, GENESIS_HASH)
    >>> len(h), h == event_hash({**e, "actor": "bo"}, GENESIS_HASH)
    (64, False)
    """
    head, middle, tail = hash_parts(event)
    text = f"{head}{int(event['id'])}{middle}{prev_hash}{tail}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class ChainBreak:
    """The first event where the chain does not hold, and why."""

    event_id: int
    reason: str


@dataclass(frozen=True, slots=True)
class ChainReport:
    """The outcome of a walk: how many events were checked, the first break if any."""

    checked: int
    head_id: int
    head_hash: str
    broken: ChainBreak | None

    @property
    def ok(self) -> bool:
        """True when every event and the head check out."""
        return self.broken is None


def _check_event(
    event: Mapping[str, Any], *, expected_id: int, prev_hash: str
) -> ChainBreak | None:
    event_id = int(event["id"])
    if event_id > expected_id:
        missing = (
            f"{expected_id}" if event_id == expected_id + 1 else f"{expected_id}..{event_id - 1}"
        )
        return ChainBreak(expected_id, f"event {missing} missing (deleted) before event {event_id}")
    if event_id < expected_id:
        return ChainBreak(event_id, f"unexpected id {event_id} after {expected_id - 1} (inserted)")
    if event["prev_hash"] != prev_hash:
        reason = "prev_hash does not match the previous event's hash (rows inserted or deleted)"
        return ChainBreak(event_id, reason)
    if event_hash(event, prev_hash) != event["hash"]:
        return ChainBreak(event_id, "hash does not match the event's fields (edited)")
    return None


def _check_anchor(event_id: int, event_hash_: str, anchor: tuple[int, str] | None) -> str | None:
    if anchor is None or event_id != anchor[0] or event_hash_ == anchor[1]:
        return None
    return "hash differs from the anchor kept outside the database (history rewritten)"


def _check_head(
    prev_id: int, prev_hash: str, head: tuple[int, str], anchor: tuple[int, str] | None
) -> ChainBreak | None:
    head_id, head_hash = head
    if head_id != prev_id:
        reason = f"the head names event {head_id} but the log ends at event {prev_id}" + (
            " (newest events deleted)" if head_id > prev_id else " (rows appended)"
        )
        return ChainBreak(prev_id + 1 if head_id > prev_id else head_id + 1, reason)
    if head_hash != prev_hash:
        return ChainBreak(prev_id, "the head hash does not match the newest event (edited)")
    if anchor is not None and anchor[0] > prev_id:
        return ChainBreak(anchor[0], f"anchor event {anchor[0]} is beyond the log's end (deleted)")
    return None


def walk_chain(
    events: Iterable[Mapping[str, Any]],
    *,
    head: tuple[int, str],
    anchor: tuple[int, str] | None = None,
) -> ChainReport:
    """Verify events (in id order) against each other and against the stored head.

    ``head`` is ``(last_id, last_hash)`` from the head row. ``anchor`` is an ``(id, hash)``
    recorded outside the database earlier (``camroute audit verify`` prints the head): it
    catches a rewrite by someone who recomputed every hash after it. The first problem stops
    the walk.

    Examples
    --------
    >>> from datetime import UTC, datetime
    >>> t = datetime(2026, 11, 22, tzinfo=UTC)
    >>> e1 = {"id": 1, "time": t, "actor": "an", "role": "dispatcher", "action": "login_ok",
    ...       "prev_hash": GENESIS_HASH}
    >>> e1["hash"] = event_hash(e1, GENESIS_HASH)
    >>> walk_chain([e1], head=(1, e1["hash"])).ok
    True
    >>> walk_chain([{**e1, "actor": "bo"}], head=(1, e1["hash"])).broken
    ChainBreak(event_id=1, reason="hash does not match the event's fields (edited)")
    >>> walk_chain([], head=(1, e1["hash"])).broken.reason
    'the head names event 1 but the log ends at event 0 (newest events deleted)'
    >>> walk_chain([e1], head=(1, e1["hash"]), anchor=(1, "0" * 64)).broken.event_id
    1
    """
    prev_id, prev_hash, checked = 0, GENESIS_HASH, 0
    for event in events:
        problem = _check_event(event, expected_id=prev_id + 1, prev_hash=prev_hash)
        if problem is None:
            reason = _check_anchor(int(event["id"]), str(event["hash"]), anchor)
            problem = ChainBreak(int(event["id"]), reason) if reason else None
        if problem is not None:
            return ChainReport(checked, prev_id, prev_hash, problem)
        prev_id, prev_hash, checked = int(event["id"]), str(event["hash"]), checked + 1
    return ChainReport(checked, prev_id, prev_hash, _check_head(prev_id, prev_hash, head, anchor))
