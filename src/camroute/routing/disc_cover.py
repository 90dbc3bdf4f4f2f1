"""The greedy cover of a caller's disc by cameras with viewsheds, in one compiled pass.

Which samples of the disc each candidate sees (in its sector and range, then inside its
viewshed's flat rings), the greedy choice over them and the combined share
(:func:`camroute.routing.cover.union_share`, to the bit: :func:`_union_share`) are compiled
loops. The same samples, the same tests and the same arithmetic as the numpy path it
replaces (sector matrix, ring containment, greedy over the boolean matrix), so the same
cover, at a fraction of the cost: the numpy path paid a microsecond per array operation and
tested each point outside a viewshed against its edges twice (parity, then the boundary
tolerance); here one pass over the edges does both, and each edge meets only the samples
whose level it spans (found by bisection, the samples being packed by y).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from camroute.routing.cover import union_share
from camroute.routing.index import CameraIndex
from camroute.routing.jit import compiled

Floats = NDArray[np.float64]
Bools = NDArray[np.bool_]
PAIRWISE_BLOCK = 128  # numpy sums fewer values than this with eight running partial sums


def disc_cover(
    index: CameraIndex,
    cams: NDArray[np.intp],
    shares: Floats,
    pts: Floats,
    *,
    k: int,
    tolerance_m: float,
    y_order: NDArray[np.intp] | None = None,
) -> tuple[list[int], float]:
    """Greedy cover of a disc by cameras ``cams`` (best first, all with viewsheds).

    ``shares`` are the cameras' exact shares of the disc, ``pts`` its samples (metres),
    ``y_order`` the samples by ``y`` if known (see :func:`seen_samples`).
    Returns the chosen positions in ``cams`` and the combined share.
    """
    if cams.size == 0 or k <= 0:
        return [], 0.0
    if cams.size == 1 or shares[0] >= 1.0:  # nothing to add to the best camera
        return [0], float(shares[0])
    seen = seen_samples(index, cams, pts, tolerance_m=tolerance_m, y_order=y_order)
    chosen = _greedy(seen, k)
    if chosen.size >= PAIRWISE_BLOCK:  # never with the ten cover candidates: numpy sums it
        return chosen.tolist(), union_share(seen[chosen], shares[chosen])
    return chosen.tolist(), _union_share(seen, chosen, np.asarray(shares, np.float64))


def seen_samples(
    index: CameraIndex,
    cams: NDArray[np.intp],
    pts: Floats,
    *,
    tolerance_m: float,
    y_order: NDArray[np.intp] | None = None,
) -> Bools:
    """Camera x sample: in the camera's sector and range, and inside its viewshed.

    A point within ``tolerance_m`` of a viewshed's edge counts as inside. ``y_order`` lists
    the samples by ``y`` (ascending; sorted here if not given).
    """
    vs = index.view_rings
    order = np.argsort(pts[:, 1], kind="stable") if y_order is None else y_order
    result: Bools = _seen(
        vs.offsets,
        vs.dx_m,
        vs.dy_m,
        vs.closing,
        np.asarray(cams, np.int64),
        index.x,
        index.y,
        index.heading_grid_deg,
        index.half_fov_deg,
        index.range_m,
        np.ascontiguousarray(pts[:, 0]),
        np.ascontiguousarray(pts[:, 1]),
        np.asarray(order, np.int64),
        float(tolerance_m),
    )
    return result


@compiled
def _seen(
    offsets: NDArray[np.int64],
    rdx: NDArray[np.float32],
    rdy: NDArray[np.float32],
    closing: Bools,
    cams: NDArray[np.int64],
    cx: Floats,
    cy: Floats,
    head: Floats,
    half: Floats,
    rng: Floats,
    px: Floats,
    py: Floats,
    order: NDArray[np.int64],
    tol: float,
) -> Bools:
    out = np.zeros((cams.size, px.size), np.bool_)
    xs, ys = np.empty(px.size), np.empty(px.size)
    at = np.empty(px.size, np.int64)
    flip, near = np.zeros(px.size, np.bool_), np.zeros(px.size, np.bool_)
    for row in range(cams.size):
        i = cams[row]
        n = _in_sector(cx[i], cy[i], head[i], half[i], rng[i], px, py, order, xs, ys, at)
        if n == 0:
            continue
        _inside(offsets[i], offsets[i + 1], rdx, rdy, closing, xs[:n], ys[:n], flip, near, tol)
        for m in range(n):
            out[row, at[m]] = flip[m] or near[m]
    return out


@compiled
def _inside(
    start: int,
    stop: int,
    rdx: NDArray[np.float32],
    rdy: NDArray[np.float32],
    closing: Bools,
    xs: Floats,
    ys: Floats,
    flip: Bools,
    near: Bools,
    tol: float,
) -> None:
    """Set ``flip | near`` for the points ``xs, ys``: inside the ring edges ``start:stop``."""
    n = xs.size
    flip[:n] = False
    near[:n] = False
    banded = _ascending(ys)  # else every sample meets every edge, as before
    # An edge wholly more than twice the tolerance left of, below or above every sample can
    # neither flip one (the ray goes right) nor come within ``tol`` of one.
    left, bottom, top = xs.min() - 2.0 * tol, ys.min() - 2.0 * tol, ys.max() + 2.0 * tol
    for j in range(start, stop):  # edges outer: every point at once
        if closing[j]:
            continue
        ax0, ay0, bx0, by0 = rdx[j], rdy[j], rdx[j + 1], rdy[j + 1]
        if max(ax0, bx0) < left or max(ay0, by0) < bottom or min(ay0, by0) > top:
            continue
        # Only the samples whose level the edge spans, widened by twice the tolerance: any
        # other is more than ``tol`` above or below it, and the test below skips it.
        lo, hi = 0, n
        if banded:
            lo = np.searchsorted(ys, min(ay0, by0) - 2.0 * tol, side="left")
            hi = np.searchsorted(ys, max(ay0, by0) + 2.0 * tol, side="right")
        for m in range(lo, hi):
            ay, by = ay0 - ys[m], by0 - ys[m]
            if min(ay, by) > tol or max(ay, by) < -tol:
                continue  # neither crosses the point's level nor comes within tol
            ax = ax0 - xs[m]
            if (ay > 0.0) != (by > 0.0) and ax + (bx0 - ax0) * (-ay) / (by - ay) > 0.0:
                flip[m] = not flip[m]
            if not near[m]:
                near[m] = _within(ax, ay, bx0 - xs[m], by, tol)


@compiled
def _in_sector(
    cx: float,
    cy: float,
    head: float,
    half: float,
    rng: float,
    px: Floats,
    py: Floats,
    order: NDArray[np.int64],
    xs: Floats,
    ys: Floats,
    at: NDArray[np.int64],
) -> int:
    """Pack the samples in the camera's sector and range (from it) into ``xs, ys, at``.

    The sector test of ``sector._sector_matrix``, with the same arithmetic; the samples are
    taken in ``order``, so ``ys`` comes out ascending when ``order`` sorts ``py``.
    """
    all_round = half >= 180.0
    sin_h, cos_h = np.sin(np.radians(head)), np.cos(np.radians(head))
    cos_half = np.cos(np.radians(min(half, 180.0))) - 1e-9
    reach = rng + 1e-6
    n = 0
    for s in order:
        dx, dy = px[s] - cx, py[s] - cy
        d = np.sqrt(dx * dx + dy * dy)
        if d <= reach and (all_round or dx * sin_h + dy * cos_h >= d * cos_half):
            xs[n], ys[n], at[n] = dx, dy, s
            n += 1
    return n


@compiled
def _ascending(values: Floats) -> bool:
    for m in range(1, values.size):  # noqa: SIM110 (a loop, which numba compiles)
        if values[m] < values[m - 1]:
            return False
    return True


@compiled
def _within(ax: float, ay: float, bx: float, by: float, tol: float) -> bool:
    """The edge A-B (from the point) passes within ``tol`` of the point."""
    if min(ax, bx) > tol or max(ax, bx) < -tol:
        return False
    ex, ey = bx - ax, by - ay
    length2 = ex * ex + ey * ey
    t = 0.0 if length2 == 0.0 else min(max(-(ax * ex + ay * ey) / length2, 0.0), 1.0)
    cx, cy = ax + t * ex, ay + t * ey
    return bool(cx * cx + cy * cy <= tol * tol)


@compiled
def _greedy(seen: Bools, k: int) -> NDArray[np.int64]:
    """Rows of ``seen`` chosen greedily, as :func:`cover.greedy_cover_samples` chooses."""
    rows, cols = seen.shape
    covered = np.zeros(cols, np.bool_)
    chosen = np.empty(min(k, rows), np.int64)
    n = 0
    for _ in range(min(k, rows)):
        best, best_gain = 0, -1
        for r in range(rows):  # the first of equal gains wins, as numpy's argmax
            gain = 0
            for c in range(cols):
                if seen[r, c] and not covered[c]:
                    gain += 1
            if gain > best_gain:
                best, best_gain = r, gain
        if best_gain == 0:
            break
        chosen[n] = best
        n += 1
        for c in range(cols):
            covered[c] = covered[c] or seen[best, c]
    return chosen[:n]


@compiled
def _union_share(seen: Bools, chosen: NDArray[np.int64], shares: Floats) -> float:
    """:func:`cover.union_share` of the rows ``chosen`` of ``seen``, bit for bit.

    Its numpy steps with the same arithmetic: a mean of booleans is the exact count divided
    by the number of samples, and a sum of fewer than ``PAIRWISE_BLOCK`` doubles is numpy's
    pairwise sum (:func:`_numpy_sum`); ``max`` and ``min`` keep Python's choice on ties.
    """
    if chosen.size == 0:  # no sample seen by any candidate: nothing was chosen
        return 0.0
    cols = seen.shape[1]
    covered = np.zeros(cols, np.bool_)
    exact, excess = np.empty(chosen.size), np.empty(chosen.size)
    for j in range(chosen.size):
        r = chosen[j]
        count = 0
        for c in range(cols):
            if seen[r, c]:
                count += 1
                covered[c] = True
        exact[j] = shares[r]
        excess[j] = exact[j] - count / cols
    estimate = covered.sum() / cols + _numpy_sum(excess)
    low = exact.max()
    high = _numpy_sum(exact)
    result = low if low > estimate else estimate  # Python's max(estimate, low)
    cap = high if high < 1.0 else 1.0  # min(1.0, high)
    return cap if cap < result else result  # min(result, cap)


@compiled
def _numpy_sum(values: Floats) -> float:
    """``values.sum()`` as numpy adds fewer than ``PAIRWISE_BLOCK`` contiguous doubles."""
    n = values.size
    total: float = -0.0
    if n < 8:
        for v in values:
            total += v
        return total
    part = values[:8].copy()
    i = 8
    while i < n - n % 8:
        for j in range(8):
            part[j] += values[i + j]
        i += 8
    total = ((part[0] + part[1]) + (part[2] + part[3])) + (
        (part[4] + part[5]) + (part[6] + part[7])
    )
    for m in range(i, n):
        total += values[m]
    return total
