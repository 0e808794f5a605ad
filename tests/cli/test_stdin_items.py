"""stdin as items, read in pieces: what a piece boundary cuts is joined, nothing more is read."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

import pytest

from poller.cli._stdin import MAX_ITEM, Item, StdinError, items, quote, shorten


class Pieces(io.StringIO):
    """A stream that hands out *pieces* one per read, then fails if read again."""

    def __init__(self, pieces: Iterable[str]) -> None:
        super().__init__()
        self.pieces = list(pieces)
        self.reads = 0

    def readline(self, size: int | None = -1, /) -> str:
        """The next piece; reading past the last one is a test failure."""
        if self.reads == len(self.pieces):
            raise AssertionError("read past what the test gave")
        self.reads += 1
        return self.pieces[self.reads - 1]


#: The words of the last case, with their lines.
WORDS = [("a", 1), ("b:c:::instance/x", 1), ("y", 2)]


def values(stream: Any) -> list[tuple[Any, str]]:
    """Each item's value and where it was read."""
    return [(item.value, item.where) for item in items(stream)]


@pytest.mark.parametrize(
    ("pieces", "expected"),
    [
        (['{"a": 1', "2}", ""], [({"a": 12}, "document 1 on stdin")]),
        (["[12", "34]", ""], [(1234, "item 1 of document 1 on stdin")]),
        (['{"a": tr', "ue}", ""], [({"a": True}, "document 1 on stdin")]),
        (['["ab', 'c"]', ""], [("abc", "item 1 of document 1 on stdin")]),
        (['"\\u00', 'e9"', ""], [("é", "document 1 on stdin")]),
        (["a b:c:::ins", "tance/x\ny", ""], [(w, f"line {n} of stdin") for w, n in WORDS]),
    ],
)  # fmt: skip
def test_a_value_cut_by_a_read_is_joined(pieces: list[str], expected: list[Any]) -> None:
    """A number, a literal, a string, an escape or a word cut between reads reads whole."""
    assert expected == values(Pieces(pieces))


def test_a_bad_item_is_refused_before_the_next_read() -> None:
    """Once the first item is refused, nothing more is read (Pieces fails if it were)."""
    stream = Pieces(['[{"a": 1},\n', '{"b": 2},\n'])

    read = items(stream)
    first = next(read)

    assert Item({"a": 1}, "item 1 of document 1 on stdin", json=True) == first
    assert 1 == stream.reads


def test_garbage_is_refused_at_once_where_it_is() -> None:
    """JSON that no more input could mend is refused with its line and column."""
    stream = Pieces(['{\n  "a": 1,\n  oops\n'])

    with pytest.raises(StdinError, match=r"line 3, column 3 \(Expecting property name"):
        values(stream)
    assert 1 == stream.reads


def test_text_that_is_not_utf8_is_refused() -> None:
    """Bytes that are not UTF-8 are refused, not a traceback."""
    stream = io.TextIOWrapper(io.BytesIO(b"\xff\xfe\xfa garbage\n"), encoding="utf-8")

    with pytest.raises(StdinError, match="not UTF-8 text"):
        values(stream)


def test_an_array_left_open_is_refused() -> None:
    """An array whose end never comes: where, and that stdin ended."""
    with pytest.raises(StdinError, match="expected ',' or ']', not the end of stdin"):
        values(io.StringIO('["a",\n"b"'))


def test_a_value_longer_than_any_answer_is_refused_once_that_long() -> None:
    """A JSON value over 1 MiB is refused having read at most twice that, not the rest (4 MiB)."""
    chunk = "a" * 65536
    stream = Pieces(['["', *([chunk] * (4 * MAX_ITEM // len(chunk)))])

    with pytest.raises(StdinError, match="goes on for over 1 MiB"):
        values(stream)
    assert (stream.reads - 1) * len(chunk) <= 2 * MAX_ITEM


def test_quote_and_shorten_keep_80_characters() -> None:
    """A long value is quoted to 80 characters and an ellipsis; a short one whole."""
    long = "x" * 500

    assert "'abc'" == quote("abc")
    assert "'" + "x" * 80 + "…'" == quote(long)
    assert f"{quote(long)} is bad" == shorten(f"{long!r} is bad", long)
    assert "'abc' is bad" == shorten("'abc' is bad", "abc")
