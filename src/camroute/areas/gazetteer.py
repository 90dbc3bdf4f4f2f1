"""A prebuilt normalised-name index and the address search over it.

Pure core. Every street (per name and ~5 km cell), intersection, point of interest and admin
unit becomes an entry with one or more keys (normalised name, and the name without its type
word: ``"phuong ben thanh"`` and ``"ben thanh"``). A query never scans every key in Python:
exact keys come from a dict; otherwise each query token is matched (exactly, or fuzzily with
rapidfuzz against the token vocabulary), the keys holding most of the tokens are counted with
one ``numpy.bincount`` and only the best few hundred are scored.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from rapidfuzz import fuzz, process

from camroute.areas.textnorm import normalise, strip_type

MIN_SCORE = 80.0
PART_MIN_SCORE = 80.0
BARE_WEIGHT = 0.85
TOKEN_CUTOFF = 75.0
SHORTLIST = 300
COMMON_SHARE = 0.2


@dataclass(frozen=True)
class Entry:
    """One searchable place."""

    label: str
    kind: str
    lon: float
    lat: float
    keys: tuple[str, ...]
    parts: tuple[str, ...] = ()


def entry_keys(name: str) -> tuple[str, ...]:
    """The search keys of a name: normalised, and without its leading type word.

    Examples
    --------
    >>> entry_keys("Phường Bến Thành")
    ('phuong ben thanh', 'ben thanh')
    >>> entry_keys("Mannerheimintie")
    ('mannerheimintie',)
    """
    key = normalise(name)
    short = strip_type(key)
    return (key, short) if short != key else ((key,) if key else ())


def pair_score(query: tuple[str, str], names: tuple[str, ...]) -> float:
    """Score 0-100 of two query streets against an intersection's two names, either order.

    Each street must match on its own (``PART_MIN_SCORE``), else the score is 0.

    Examples
    --------
    >>> pair_score(("le duan", "ton duc thang"), ("ton duc thang", "le duan"))
    100.0
    >>> pair_score(("le duan", "hai ba trung"), ("le duan", "ton duc thang"))
    0.0
    """
    if len(names) != 2:
        return 0.0
    qa, qb = (strip_type(q) for q in query)
    na, nb = (strip_type(n) for n in names)
    straight = (fuzz.ratio(qa, na), fuzz.ratio(qb, nb))
    crossed = (fuzz.ratio(qa, nb), fuzz.ratio(qb, na))
    best = max(straight, crossed, key=sum)
    return float(sum(best) / 2.0) if min(best) >= PART_MIN_SCORE else 0.0


class NameIndex:
    """Search keys of many entries: exact dict, token postings, fuzzy scoring of a shortlist.

    Examples
    --------
    >>> idx = NameIndex([
    ...     Entry("Lê Lợi", "street", 106.70, 10.77, entry_keys("Lê Lợi")),
    ...     Entry("Chợ Bến Thành", "poi", 106.698, 10.772, entry_keys("Chợ Bến Thành")),
    ... ])
    >>> [(idx.entries[i].label, s) for i, s in idx.search("le loi")]
    [('Lê Lợi', 100.0)]
    >>> [idx.entries[i].label for i, s in idx.search("cho ben thnah")]
    ['Chợ Bến Thành']
    >>> idx.search("zzz qqq")
    []
    """

    def __init__(self, entries: Sequence[Entry]) -> None:
        self.entries = list(entries)
        pairs = [(key, i) for i, e in enumerate(self.entries) for key in e.keys]
        self._keys = [k for k, _ in pairs]
        self._bare = [strip_type(k) for k in self._keys]
        self._key_entry = np.array([i for _, i in pairs], dtype=np.int64)
        self._key_kind = np.array([self.entries[i].kind for _, i in pairs], dtype=object)
        self._exact: dict[str, list[int]] = {}
        postings: dict[str, list[int]] = {}
        for k, key in enumerate(self._keys):
            self._exact.setdefault(key, []).append(k)
            for token in set(key.split()):
                postings.setdefault(token, []).append(k)
        self._postings = {t: np.array(v, dtype=np.int64) for t, v in postings.items()}
        self._vocab = list(self._postings)
        self._kind_masks: dict[frozenset[str], NDArray[np.bool_]] = {}

    def __len__(self) -> int:
        return len(self._keys)

    def _mask(self, kinds: frozenset[str] | None) -> NDArray[np.bool_] | None:
        if kinds is None:
            return None
        mask = self._kind_masks.get(kinds)
        if mask is None:
            mask = np.isin(self._key_kind, list(kinds))
            self._kind_masks[kinds] = mask
        return mask

    def _token_postings(self, token: str) -> NDArray[np.int64]:
        if token in self._postings:
            return self._postings[token]
        close = process.extract(
            token, self._vocab, scorer=fuzz.ratio, score_cutoff=TOKEN_CUTOFF, limit=3
        )
        if not close:
            return np.empty(0, np.int64)
        return np.unique(np.concatenate([self._postings[str(m[0])] for m in close]))

    def _shortlist(self, key: str, mask: NDArray[np.bool_] | None) -> NDArray[np.int64]:
        lists = [self._token_postings(t) for t in dict.fromkeys(key.split())]
        lists = [p for p in lists if p.size]
        rare = [p for p in lists if p.size <= COMMON_SHARE * len(self._keys)]
        lists = rare or lists
        if not lists:
            return np.empty(0, np.int64)
        counts = np.bincount(np.concatenate(lists), minlength=len(self._keys))
        if mask is not None:
            counts[~mask] = 0
        top = min(SHORTLIST, int(np.count_nonzero(counts)))
        if top == 0:
            return np.empty(0, np.int64)
        return np.argpartition(-counts, top - 1)[:top].astype(np.int64)

    def _score(self, key: str, shortlist: NDArray[np.int64]) -> NDArray[np.float64]:
        """Mostly the type-free names (``ben thanh``), a little the full ones (``phuong``)."""
        full = [self._keys[k] for k in shortlist]
        bare = [self._bare[k] for k in shortlist]
        on_full = process.cdist([key], full, scorer=fuzz.token_sort_ratio)[0]
        on_bare = process.cdist([strip_type(key)], bare, scorer=fuzz.ratio)[0]
        scores: NDArray[np.float64] = BARE_WEIGHT * on_bare + (1.0 - BARE_WEIGHT) * on_full
        return scores

    def search(
        self,
        key: str,
        *,
        kinds: Iterable[str] | None = None,
        limit: int = 5,
        min_score: float = MIN_SCORE,
    ) -> list[tuple[int, float]]:
        """Best entries for a normalised ``key`` as ``(entry id, score 0-100)``, best first."""
        if not key or not self._keys:
            return []
        mask = self._mask(None if kinds is None else frozenset(kinds))
        best: dict[int, float] = {}
        for k in self._exact.get(key, []):
            if mask is None or mask[k]:
                best[int(self._key_entry[k])] = 100.0
        if len(best) < limit:
            shortlist = self._shortlist(key, mask)
            scores = self._score(key, shortlist)
            for k, score in zip(shortlist.tolist(), scores.tolist(), strict=True):
                entry = int(self._key_entry[k])
                if score >= min_score and score > best.get(entry, -1.0):
                    best[entry] = float(score)
        ranked = sorted(best.items(), key=lambda item: (-item[1], self.entries[item[0]].label))
        return ranked[:limit]
