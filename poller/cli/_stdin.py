"""stdin (or a file) as a stream of items, read as they come: each refused before the next is read.

``-`` reads what another command printed: words separated by whitespace (``--output text``),
or JSON (one document, several one after the other, JSON lines, or an array of them). Nothing
here reads stdin whole: text is read a line at a time (a long line in pieces), and JSON a
value at a time, arrays item by item, so that memory holds one item and the command can refuse
the first bad one without reading the rest. An item longer than any the AWS CLI prints is
refused as soon as it is that long (:data:`MAX_WORD` characters for a word, :data:`MAX_ITEM`
for a JSON value), and a message quotes at most :data:`QUOTE` characters of the input
(:func:`quote`). What the items must be is the caller's to say (:mod:`._arns`,
:mod:`._answers`).
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from typing import Any, Final, TextIO

import structlog

__all__ = [
    "BYTE_ORDER_MARK",
    "MAX_ITEM",
    "MAX_WORD",
    "NOTHING_PIPED",
    "QUOTE",
    "Item",
    "StdinError",
    "announce",
    "items",
    "quote",
    "shorten",
]

#: What Windows tools may put before UTF-8 text (Python reads it as a character).
BYTE_ORDER_MARK: Final = "\ufeff"
#: Why stdin may hold nothing, when it is a pipe.
NOTHING_PIPED: Final = "did the command that writes to it fail?"
#: The most characters of the input a message quotes.
QUOTE: Final = 80
#: The longest word read as text: no identifier is nearly as long.
MAX_WORD: Final = 1024
#: The longest JSON value read at once (an array's items are read one by one): the AWS CLI's
#: answers are a few hundred bytes, a ListInstances page a few hundred per instance.
MAX_ITEM: Final = 1024 * 1024
#: How much is read at a time: a line, or this much of a longer one.
_CHUNK: Final = 64 * 1024
#: Where JSON starts: an object, an array, or a string.
_JSON_START: Final = ("{", "[", '"')
#: A word, or the end of a line (to count lines).
_TOKEN: Final = re.compile(r"\n|[^\s]+")
#: The most characters after a JSON error that may be a value cut short (``-Infinity``).
_CUT_SHORT: Final = 10
#: The characters of a ``\\uXXXX`` escape after its backslash.
_ESCAPE: Final = 5
#: What JSON spells as words, which a read may cut short.
_LITERALS: Final = ("true", "false", "null", "NaN", "Infinity", "-Infinity")
#: The start of a number, which a read may cut short.
_NUMBER_START: Final = re.compile(r"-?(\d+(\.\d*)?([eE][-+]?\d*)?)?")


class StdinError(ValueError):
    """stdin cannot be read as items; the message says where, quoting little of it."""


@dataclasses.dataclass(frozen=True, slots=True)
class Item:
    """One item read from stdin.

    Attributes:
        value: A word (text), or a JSON value that is not an array (an array's items are items).
        where: Where it was read, for messages (``line 3 of stdin``, ``item 2 of document 1 on
            stdin``).
        json: Whether it was read as JSON.
    """

    value: Any
    where: str
    json: bool


def quote(text: str, limit: int = QUOTE) -> str:
    """*text* quoted as ``repr`` quotes it, cut to *limit* characters with an ellipsis."""
    if len(text) <= limit:
        return repr(text)
    return repr(text[:limit])[:-1] + "…'"


def shorten(message: str, value: str) -> str:
    """*message* with *value* (quoted by ``repr``, as the library quotes what it refuses) cut."""
    if len(value) <= QUOTE:
        return message
    return message.replace(repr(value), quote(value))


def announce(stream: TextIO, what: str) -> None:
    """On a terminal, say on stderr (a warning: not with ``-q``) what is read and how to end it.

    A person at a terminal would otherwise face a command that waits and says nothing.
    """
    try:
        terminal = stream.isatty()
    except (OSError, ValueError):  # closed
        return
    if terminal:
        structlog.get_logger("poller").warning(
            "cli.reading_stdin",
            message=f"'-' reads {what}, here from the terminal: end the input with Ctrl-D.",
        )


def items(stream: TextIO, name: str = "stdin") -> Iterator[Item]:
    """Each item on *stream*, read as it is asked for.

    *name* is what messages call the stream: ``stdin``, or a file's name, quoted
    (``'plan.json'``).

    Raises:
        StdinError: Text that is not UTF-8, a word or JSON value longer than any identifier or
            answer, or JSON that is not JSON (where, and what is there, quoted short).
    """
    buffer = _Buffer(stream, name)
    first = buffer.next_char()
    if first is None:
        return
    if first in _JSON_START:
        yield from _documents(buffer)
    else:
        yield from _words(buffer)


class _Buffer:
    """What has been read of stdin and not yet taken, and where it is (line, column)."""

    def __init__(self, stream: TextIO, name: str = "stdin") -> None:
        self.stream = stream
        self.name = name
        self.text = ""
        self.pos = 0
        self.eof = False
        self.started = False
        #: The line and column (1-based) of ``text[0]``.
        self.line = 1
        self.column = 1

    def fill(self, at_least: int = 1) -> bool:
        """Read until *at_least* more characters are held, or the end; whether any came."""
        pieces: list[str] = []
        size = 0
        while size < at_least and not self.eof:
            try:
                piece = self.stream.readline(_CHUNK)
            except UnicodeDecodeError as error:
                raise StdinError(f"{self.name} is not UTF-8 text ({error.reason})") from None
            if not self.started:
                self.started = True
                piece = piece.removeprefix(BYTE_ORDER_MARK)
            if not piece:
                self.eof = True
            pieces.append(piece)
            size += len(piece)
        self._drop()
        self.text += "".join(pieces)
        return size > 0

    def _drop(self) -> None:
        """Forget what has been taken, keeping count of its lines and columns."""
        taken = self.text[: self.pos]
        lines = taken.count("\n")
        if lines:
            self.line += lines
            self.column = len(taken) - taken.rfind("\n")
        else:
            self.column += len(taken)
        self.text = self.text[self.pos :]
        self.pos = 0

    def where(self, position: int) -> str:
        """``line L, column C`` of ``text[position]``."""
        before = self.text[:position]
        lines = before.count("\n")
        if lines:
            column = position - before.rfind("\n")
            return f"line {self.line + lines}, column {column}"
        return f"line {self.line}, column {self.column + position}"

    def next_char(self) -> str | None:
        """The next character that is not whitespace, skipped to; None at the end."""
        while True:
            while self.pos < len(self.text) and self.text[self.pos].isspace():
                self.pos += 1
            if self.pos < len(self.text):
                return self.text[self.pos]
            if not self.fill():
                return None

    def decode(self, decoder: json.JSONDecoder, where: str) -> Any:
        """The JSON value at the current position, read whole (at most :data:`MAX_ITEM`)."""
        while True:
            held = len(self.text) - self.pos
            try:
                value, end = decoder.raw_decode(self.text, self.pos)
            except json.JSONDecodeError as error:
                if self.eof or not _cut_short(error, self.text):
                    excerpt = quote(self.text[error.pos : error.pos + QUOTE + 1])
                    raise StdinError(
                        f"{where} is not JSON at {self.where(error.pos)} ({error.msg}, at "
                        f"{excerpt})"
                    ) from None
            else:
                # A number that ends where the text read so far ends may go on in what comes next.
                if end < len(self.text) or self.eof or not isinstance(value, int | float):
                    self.pos = end
                    return value
            if held > MAX_ITEM:
                start = quote(self.text[self.pos : self.pos + QUOTE + 1])
                raise StdinError(
                    f"{where} goes on for over {MAX_ITEM // 2**20} MiB: no answer is that long "
                    f"(it starts {start})"
                )
            self.fill(at_least=max(held, _CHUNK))  # doubling: each value is decoded O(1) times

    def expect(self, allowed: str, where: str) -> str:
        """The next character, if one of *allowed* (skipped past); else a refusal."""
        found = self.next_char()
        if found is None or found not in allowed:
            rest = self.text[self.pos : self.pos + QUOTE + 1]
            shown = f"the end of {self.name}" if found is None else quote(rest)
            expected = " or ".join(repr(c) for c in allowed)
            raise StdinError(
                f"{where} is not JSON at {self.where(self.pos)}: expected {expected}, not {shown}"
            )
        self.pos += 1
        return found


def _cut_short(error: json.JSONDecodeError, text: str) -> bool:
    """Whether *error* may only mean that the value goes on in what has not been read yet.

    That is a string not closed yet, or, from where the error is to the end of *text*, nothing
    but whitespace or the start of a literal, a number or an escape.
    """
    if error.msg.startswith("Unterminated string"):
        return True
    rest = text[error.pos :]
    if len(rest) > _CUT_SHORT:
        return False
    rest = rest.rstrip() if rest.isspace() else rest
    return (
        not rest
        or any(literal.startswith(rest) for literal in _LITERALS)
        or _NUMBER_START.fullmatch(rest) is not None
        or (error.msg.startswith("Invalid \\u") and len(rest) < _ESCAPE)
    )


def _documents(buffer: _Buffer) -> Iterator[Item]:
    """Each JSON document on the stream (an array's items one by one), in order."""
    decoder = json.JSONDecoder()
    number = 0
    on = "on stdin" if buffer.name == "stdin" else f"in {buffer.name}"
    while buffer.next_char() is not None:
        number += 1
        yield from _values(buffer, decoder, f"document {number} {on}")


def _values(buffer: _Buffer, decoder: json.JSONDecoder, where: str) -> Iterator[Item]:
    """The value at the current position: itself, or each of its items if an array."""
    if buffer.next_char() != "[":
        yield Item(buffer.decode(decoder, where), where, json=True)
        return
    buffer.pos += 1
    if buffer.next_char() == "]":
        buffer.pos += 1
        return
    index = 0
    while True:
        index += 1
        yield from _values(buffer, decoder, f"item {index} of {where}")
        if buffer.expect(",]", where) == "]":
            return


def _words(buffer: _Buffer) -> Iterator[Item]:
    """Each word on the stream with its line, a line (or a piece of a long one) at a time."""
    line = buffer.line + buffer.text.count("\n", 0, buffer.pos)
    partial = ""
    while True:
        text = partial + buffer.text[buffer.pos :]
        buffer.pos = len(buffer.text)
        partial = ""
        for match in _TOKEN.finditer(text):
            token = match.group()
            if token == "\n":
                line += 1
            elif match.end() == len(text) and not buffer.eof:
                partial = token  # it may go on in what comes next
            else:
                yield Item(
                    _word(token, line, buffer.name), f"line {line} of {buffer.name}", json=False
                )
        _word(partial, line, buffer.name)
        if not buffer.fill():
            if partial:
                yield Item(partial, f"line {line} of {buffer.name}", json=False)
            return


def _word(word: str, line: int, name: str) -> str:
    """*word*, unless it is longer than any identifier."""
    if len(word) > MAX_WORD:
        raise StdinError(
            f"{quote(word)} (line {line} of {name}) goes on for over {MAX_WORD} characters: no "
            "identifier is that long"
        )
    return word
