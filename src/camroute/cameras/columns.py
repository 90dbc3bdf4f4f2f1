"""Read source column values: blanks, numbers, bearings, text; and per-row failure reasons.

Column-wise (pandas/numpy); per-row Python runs only over distinct direction texts and over
rows that fail.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from camroute.cameras.fov import parse_direction_deg


class Checks:
    """First failing reason per row; messages are formatted for failing rows only."""

    def __init__(self, n: int) -> None:
        self.reason: NDArray[np.object_] = np.full(n, None, dtype=object)

    def fail(self, mask: Any, template: str, values: Any = None) -> None:
        """Give ``template`` (``{v}`` is the row's value in ``values``) to failing rows."""
        todo = np.flatnonzero(np.asarray(mask, dtype=bool) & (self.reason == None))  # noqa: E711
        for i in todo:
            value = None if values is None else _at(values, int(i))
            self.reason[i] = template.format(v=value)


def _at(values: Any, i: int) -> Any:
    return values.iat[i] if isinstance(values, pd.Series) else values[i]


def column(frame: pd.DataFrame, cols: tuple[str, ...] | None) -> pd.Series:
    if not cols:
        return pd.Series([None] * len(frame), index=frame.index, dtype=object)
    if len(cols) == 1:
        return frame[cols[0]]
    out = frame[cols[0]].astype(object)
    for c in cols[1:]:
        out = out.where(out.notna() & (out.astype(str).str.strip() != ""), frame[c].astype(object))
    return out


def blank(series: pd.Series) -> NDArray[np.bool_]:
    if pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype):
        return np.asarray(series.isna(), dtype=bool)
    if pd.api.types.is_string_dtype(series.dtype) and series.dtype != object:
        text = series  # pandas str dtype: compare without a Python loop first
    else:
        text = series.astype(str)
    blank = np.array(series.isna() | (text == ""), dtype=bool)
    spaces = np.flatnonzero(~blank & np.asarray(text.str.startswith(" ") | text.str.endswith(" ")))
    blank[spaces] = np.asarray(text.iloc[spaces].str.strip() == "", dtype=bool)
    return blank


def numbers(series: pd.Series) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Floats (a leading number in text such as "3 m" counts) and a mask of unreadable values."""
    direct = pd.to_numeric(series, errors="coerce")
    values = direct.to_numpy(dtype=float, na_value=np.nan, copy=True)
    todo = np.isnan(values) & ~blank(series)
    if todo.any():
        text = series[todo].astype(str).str.replace(",", ".", regex=False)
        lead = text.str.extract(r"^\s*([+-]?\d+(?:\.\d+)?)\s*(?:m|°|deg|độ)?\s*$")[0]
        values[todo] = pd.to_numeric(lead, errors="coerce").to_numpy(float, na_value=np.nan)
    return values, np.isnan(values) & ~blank(series)


def headings(series: pd.Series) -> NDArray[np.float64]:
    values, text = numbers(series)
    numeric = ~np.isnan(values)
    values[numeric] = np.where(np.abs(values[numeric]) <= 360.0, values[numeric] % 360.0, np.nan)
    if text.any():
        parsed = (
            series[text]
            .astype(str)
            .map({t: parse_direction_deg(t) for t in series[text].astype(str).unique()})
        )
        values[text] = parsed.to_numpy(dtype=float, na_value=np.nan)
    return values


def clean_text(frame: pd.DataFrame, cols: tuple[str, ...] | None) -> pd.Series:
    """Stripped text, ``None`` where blank (an absent column is all ``None``)."""
    out = pd.Series(None, index=frame.index, dtype=object)
    if not cols:
        return out
    raw = column(frame, cols)
    keep = ~blank(raw)
    out[keep] = raw[keep].astype(str).str.strip().astype(object)
    return out


def text_or_none(value: Any) -> str | None:
    return None if value is None or value is pd.NA or value != value else str(value).strip()
