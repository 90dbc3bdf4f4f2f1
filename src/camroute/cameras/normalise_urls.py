"""The stream URL columns of an import: templates, NVR channels, credentials, networks.

A vendor template fills the rows without their own URL, each cell percent-encoded as one URL
part; ``user:password@`` moves to the sealed credentials; an IP literal outside the camera
networks rejects the row.
"""

from __future__ import annotations

from typing import Final
from urllib.parse import quote, urlsplit

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from camroute.cameras.columns import Checks, clean_text, column, numbers
from camroute.cameras.mapping import URL_FIELDS, Mapping, find_column, template_columns
from camroute.cameras.model import KEPT_UNLESS_GIVEN, NVR_CHANNEL_MAX, split_userinfo
from camroute.cameras.networks import CAMERA_URL_FIELDS, CameraNetworks, check_stream_urls
from camroute.errors import InvalidInputError

URL_PATTERN: Final = r"^(?:https?|rtsps?)://\S+$"


def stream_urls(
    frame: pd.DataFrame,
    cols: dict[str, tuple[str, ...]],
    out: pd.DataFrame,
    mapping: Mapping | None,
    checks: Checks,
) -> None:
    """The URL fields (a template fills a row without its own) and the NVR channel."""
    if "nvr_channel" in cols:  # else a re-import keeps the stored channel
        out["nvr_channel"] = _channels(frame, cols["nvr_channel"], checks)
    for name in URL_FIELDS:
        values = clean_text(frame, cols.get(name))
        template = mapping.url_templates.get(name) if mapping else None
        if name in KEPT_UNLESS_GIVEN and name not in cols and template is None:
            continue
        if template is not None:  # the row's own URL, if it has one, wins
            need = np.asarray(values.isna(), dtype=bool)
            values = values.where(~need, _templated(frame, template, name, need, checks))
        if name not in cols and template is None:
            out[name] = values
            continue
        bad = np.asarray(values.notna() & ~values.fillna("").str.match(URL_PATTERN), dtype=bool)
        checks.fail(bad, name + " {v!r} is not an http(s)/rtsp URL", values)
        out[name] = values


URL_CELL_SAFE: Final = "-._~:[]"  # a host, host:port or [IPv6] stays; "/", "@", "?" cannot


def _template_cells(frame: pd.DataFrame, name: str) -> pd.Series:
    """A column's cells as text; whole numbers read as floats (1.0) are written as 1."""
    raw = frame[name]
    if pd.api.types.is_float_dtype(raw.dtype):
        raw = raw.astype(object).map(lambda v: int(v) if v == v and float(v).is_integer() else v)
    return clean_text(pd.DataFrame({name: raw}), (name,))


def _templated(
    frame: pd.DataFrame, template: str, name: str, need: NDArray[np.bool_], checks: Checks
) -> pd.Series:
    """``template`` filled from the cells of the rows in ``need``.

    Such a row with a needed cell empty (or the column missing) is rejected naming the column.
    Each cell is percent-encoded as one URL part, so a cell cannot add a path, query or
    ``user@`` to the URL.
    """
    columns = [str(c) for c in frame.columns]
    filled = pd.Series(None, index=frame.index, dtype=object)
    cells: dict[str, pd.Series] = {}
    for wanted in template_columns(template):
        found = find_column(columns, wanted)
        if found is None:
            checks.fail(need, f"{name} needs column {wanted!r}, which the file does not have")
            return filled
        cells[wanted] = _template_cells(frame, found)
        empty = need & np.asarray(cells[wanted].isna(), dtype=bool)
        checks.fail(empty, f"{name} needs column {wanted!r}, which is empty in this row")
    broken = np.zeros(len(frame), dtype=bool)
    for i in map(int, np.flatnonzero(need)):
        row = {k: v.iat[i] for k, v in cells.items()}
        if all(isinstance(v, str) for v in row.values()):
            parts = {k: quote(str(v), safe=URL_CELL_SAFE) for k, v in row.items()}
            url = template.format_map(parts)
            filled.iat[i] = url
            try:  # e.g. a host:port cell where the template adds its own port
                urlsplit(url).port  # noqa: B018 - reading it is the check
            except ValueError:
                broken[i] = True
    checks.fail(broken, name + " {v!r} from the template is not a valid URL", filled)
    return filled


def _channels(frame: pd.DataFrame, cols: tuple[str, ...] | None, checks: Checks) -> pd.Series:
    """The NVR channel numbers (whole numbers 1..512), nullable; others reject the row."""
    if not cols:
        return pd.Series(pd.NA, index=frame.index, dtype="Int64")
    raw = column(frame, cols)
    values, unreadable = numbers(raw)
    whole = np.isnan(values) | ((values == np.round(values)) & (values >= 1))
    bad = unreadable | ~whole | (values > NVR_CHANNEL_MAX)
    checks.fail(bad, f"nvr_channel {{v!r}} is not a channel number 1..{NVR_CHANNEL_MAX}", raw)
    values[bad] = np.nan
    return pd.Series(values, index=frame.index).round().astype("Int64")


def move_url_credentials(out: pd.DataFrame) -> None:
    """``user:password@`` in a stream URL goes to the credentials, never to the API."""
    for name in (u for u in URL_FIELDS if u in out.columns):
        urls = out[name].dropna()
        if urls.empty:
            continue
        carrying = urls.astype(str).str.contains("@", regex=False)
        for row in urls.index[carrying.to_numpy(dtype=bool)]:
            url, user, password = split_userinfo(str(urls.at[row]))
            out.at[row, name] = url
            for key, value in (("username", user), ("password", password)):
                if value is not None and not isinstance(out.at[row, key], str):
                    out.at[row, key] = value


def check_networks(out: pd.DataFrame, checks: Checks, networks: CameraNetworks) -> None:
    """Reject rows whose stream URLs point at an IP literal outside the camera networks."""
    urls = out[[u for u in CAMERA_URL_FIELDS if u in out.columns]]
    having = np.flatnonzero(np.asarray(urls.notna().any(axis=1), dtype=bool))
    refused = np.zeros(len(out), dtype=bool)
    reasons: list[str | None] = [None] * len(out)
    for i in having:
        row = {name: urls.iat[int(i), j] for j, name in enumerate(urls.columns)}
        try:
            check_stream_urls(row, networks)
        except InvalidInputError as exc:
            refused[i], reasons[i] = True, exc.detail
    checks.fail(refused, "{v}", reasons)
