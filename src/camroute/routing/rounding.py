"""``round(x, digits)`` for the numbers of a result row, the same float at half the cost.

Python rounds a float to ``digits`` decimals exactly: it writes the correctly rounded
decimal string and reads it back (about 230 ns). A routing row rounds six to eight numbers,
a fifth of the row's cost. :func:`round_to` gets the same float by scaling instead, and
falls back to ``round`` wherever scaling could differ:

* ``y = x * 10**digits`` is within half an ulp of the exact product; below ``1e9`` that is
  under ``1e-7``. If ``y`` is more than ``1e-4`` from a half-integer, the exact product is
  too, so the integer nearest to ``y`` (``round(y)``) is the one the decimal string holds.
* ``r / 10**digits`` (an integer below ``2**53`` over an exact power of ten, one correctly
  rounded division) is the double nearest to that decimal: the float Python reads back.
* A zero keeps the sign of ``x`` (``round(-0.04, 1)`` is ``-0.0``), as the string does.
* Ties, near-ties, large values, NaN and infinities go to ``round`` itself.
"""

from __future__ import annotations

_SCALES = (1.0, 10.0, 100.0, 1000.0, 10000.0, 100000.0, 1000000.0)
_LIMIT = 1e9  # |x * scale| below this: scaling errs by under 1e-7, far inside the margin
_MARGIN = 0.4999  # at most this far from an integer: no tie is within reach


def round_to(x: float, digits: int) -> float:
    """``round(x, digits)`` for ``digits`` 0 to 6, bit for bit (the sign of zero too).

    Examples
    --------
    >>> round_to(123.456, 1), round_to(0.123456, 4), round_to(-0.04, 1)
    (123.5, 0.1235, -0.0)
    >>> round_to(0.25, 1) == round(0.25, 1)  # a tie: Python's own rounding
    True
    """
    scale = _SCALES[digits]
    y = x * scale
    if -_LIMIT < y < _LIMIT:  # also false for NaN
        r = round(y)
        if -_MARGIN < y - r < _MARGIN:
            return r / scale if r else 0.0 * x  # 0.0 * x: a zero with the sign of x
    return round(x, digits)
