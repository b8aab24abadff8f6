"""Turn the bytes of a source file into text: BOMs, UTF-8, legacy CJK encodings, line ends.

UTF-8 files are validated in chunks and then streamed line by line, so a 100 MB export is never
held in memory as one string. Files in another encoding (GB18030/GBK, Big5, UTF-16 without a BOM,
Windows code pages) are detected with charset-normalizer and decoded whole. Every line end
(CRLF, CR, LF) becomes ``\\n``; offsets elsewhere are into that normalised text.
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

from parallax.core.errors import IngestError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_HEAD_BYTES = 64 * 1024
_CHUNK_BYTES = 4 * 1024 * 1024
_CONTROL = frozenset(chr(c) for c in (*range(0, 9), 11, *range(14, 32), 127))

EMPTY_MESSAGE = "empty file, expected a search export, text, Markdown or JSON document"


@dataclass(frozen=True, slots=True)
class TextSource:
    """A decoded source: its encoding and a way to read its lines or its whole text."""

    path: str
    encoding: str
    head: str
    _file: Path | None = None
    _text: str | None = None

    def lines(self) -> Iterator[str]:
        """Yield the lines of the text without their line ends, streaming from disk if possible."""
        if self._text is not None:
            yield from self._text.split("\n")
            return
        assert self._file is not None
        with open(self._file, "rb") as raw:
            stream = io.TextIOWrapper(raw, encoding=self.encoding, newline=None)
            for lineno, line in enumerate(stream, 1):
                if "\x00" in line:
                    raise IngestError(self.path, lineno, _binary_message())
                yield line[:-1] if line.endswith("\n") else line

    def read(self) -> str:
        """Return the whole text (line ends normalised to ``\\n``)."""
        if self._text is not None:
            return self._text
        assert self._file is not None
        with open(self._file, encoding=self.encoding, newline=None) as stream:
            text = stream.read()
        nul = text.find("\x00")  # checked when the file was opened; it may have changed since
        if nul >= 0:
            raise IngestError(self.path, text.count("\n", 0, nul) + 1, _binary_message())
        return text


def _binary_message() -> str:
    return "binary data (NUL bytes), expected a text file"


def _line_of(data: bytes, position: int, base_line: int = 1) -> int:
    return base_line + data.count(b"\n", 0, position)


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _check_not_binary(path: str, head: str) -> None:
    sample = head[:_HEAD_BYTES]
    controls = sum(1 for char in sample if char in _CONTROL)
    if controls >= 16 and controls * 10 > len(sample):
        raise IngestError(path, 1, "binary data (control bytes), expected a text file")


def _looks_utf16(head: bytes) -> str | None:
    """Guess UTF-16 without a BOM from the NUL bytes of ASCII characters."""
    if len(head) < 8:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def decode_bytes(data: bytes, *, path: str) -> TextSource:
    """Decode an in-memory file. Raises :class:`IngestError` for empty, binary or unknown data."""
    if not data.strip():
        raise IngestError(path, 1, EMPTY_MESSAGE)
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _from_text(path, _decode(data, encoding, path), encoding.removesuffix("-sig"))
    utf16 = _looks_utf16(data[:_HEAD_BYTES])
    if utf16:
        return _from_text(path, _decode(data, utf16, path), utf16)
    nul = data.find(b"\x00")
    if nul >= 0:
        raise IngestError(path, _line_of(data, nul), _binary_message())
    try:
        return _from_text(path, data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as error:
        return _from_detected(path, data, _line_of(data, error.start))


def _decode(data: bytes, encoding: str, path: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise IngestError(
            path,
            _line_of(data, error.start),
            f"invalid {encoding} text despite its byte-order mark",
        ) from None


def _from_text(path: str, text: str, encoding: str) -> TextSource:
    text = _normalise_newlines(text)
    if not text.strip():
        raise IngestError(path, 1, EMPTY_MESSAGE)
    _check_not_binary(path, text[:_HEAD_BYTES])
    return TextSource(path=path, encoding=encoding, head=text[:_HEAD_BYTES], _text=text)


def _from_detected(path: str, data: bytes, bad_line: int) -> TextSource:
    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise IngestError(
            path,
            bad_line,
            "not valid UTF-8 and not in any known encoding (tried UTF-16, GB18030, Big5, ...)",
        )
    encoding = best.encoding.replace("_", "-")
    return _from_text(path, str(best), encoding)


def open_source(file: Path, *, path: str | None = None) -> TextSource:
    """Open a file for reading. UTF-8 files are streamed; others are decoded in memory.

    Raises :class:`IngestError` for unreadable, empty, binary or undecodable files.
    """
    display = path if path is not None else str(file)
    try:
        with open(file, "rb") as raw:
            head = raw.read(_HEAD_BYTES)
            if any(head.startswith(bom) for bom, _ in _BOMS) or _looks_utf16(head):
                return decode_bytes(head + raw.read(), path=display)
            raw.seek(0)
            _validate_utf8(raw, display)
    except OSError as error:
        raise IngestError(display, None, f"cannot read: {error.strerror or error}") from None
    except _NotUtf8 as failure:
        data = file.read_bytes()
        return _from_detected(display, data, failure.line)
    head_text = _normalise_newlines(head.decode("utf-8", errors="ignore"))
    if not head_text.strip() and len(head) < _HEAD_BYTES:
        raise IngestError(display, 1, EMPTY_MESSAGE)
    _check_not_binary(display, head_text)
    return TextSource(path=display, encoding="utf-8", head=head_text, _file=file)


class _NotUtf8(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


def _validate_utf8(raw: io.BufferedReader, display: str) -> None:
    """Check a whole stream is UTF-8 without NUL bytes, in bounded memory."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    line = 1
    while chunk := raw.read(_CHUNK_BYTES):
        nul = chunk.find(b"\x00")
        if nul >= 0:
            raise IngestError(display, _line_of(chunk, nul, line), _binary_message())
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError as error:
            raise _NotUtf8(_line_of(chunk, max(error.start, 0), line)) from None
        line += chunk.count(b"\n")
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise _NotUtf8(line) from None
