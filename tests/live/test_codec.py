"""Choosing a camera's stream from stated encodings, before anything is opened."""

from __future__ import annotations

import pytest

from camroute.live.codec import NoSubStreamError, Stream, choose_stream, encoding_name

MAIN, SUB = Stream.main, Stream.sub


@pytest.mark.parametrize(
    ("asked", "h265_ok", "main", "has_sub", "sub", "expected"),
    [
        (MAIN, False, "H265", True, "H264", SUB),
        (MAIN, False, "H265", True, None, SUB),  # sub unknown: the vendors' sub is H.264
        (MAIN, False, "H264", True, None, MAIN),
        (MAIN, False, None, True, None, None),  # unknown: read it from the main stream
        (MAIN, True, "H265", True, "H264", MAIN),
        (MAIN, None, "H265", True, "H264", MAIN),  # the page did not say
        (MAIN, None, None, False, None, MAIN),
        (SUB, True, "H265", True, "H265", SUB),  # asked outright, and H.265 plays
        (SUB, None, None, True, None, SUB),
    ],
)
def test_choose_stream(
    asked: Stream,
    h265_ok: bool | None,
    main: str | None,
    has_sub: bool,
    sub: str | None,
    expected: Stream | None,
) -> None:
    got = choose_stream(
        asked, h265_ok=h265_ok, main_encoding=main, has_sub=has_sub, sub_encoding=sub
    )
    assert got is expected


@pytest.mark.parametrize(
    ("asked", "h265_ok", "has_sub", "sub"),
    [(MAIN, False, False, None), (MAIN, False, True, "H265"), (SUB, None, False, None)],
)
def test_no_playable_sub_stream(
    asked: Stream, h265_ok: bool | None, has_sub: bool, sub: str | None
) -> None:
    with pytest.raises(NoSubStreamError, match="sub-stream"):
        choose_stream(
            asked, h265_ok=h265_ok, main_encoding="H265", has_sub=has_sub, sub_encoding=sub
        )


@pytest.mark.parametrize(
    ("stated", "name"),
    [
        ("H264", "H264"),
        ("h.264", "H264"),
        ("HEVC", "H265"),
        ("hev1.1.6.L93.B0", "H265"),
        ("avc1.42E01E", "H264"),
        ("MPEG4", None),
        ("", None),
        ("jpeg", None),
    ],
)
def test_encoding_name(stated: str, name: str | None) -> None:
    assert encoding_name(stated) == name
