"""Shared guards against hostile input, used by every entry point (check, score, train, evaluate, serve).

- :func:`read_capped`: read a file or stream with a byte cap *before* decoding (``/dev/zero`` stops at the cap);
- :func:`read_text_file`: a whole UTF-8 text file with that cap, or one line naming the file and the problem;
- :func:`check_chars`: a character cap, and no lone surrogates (they cannot be written as UTF-8);
- :func:`load_json` / :func:`load_yaml`: JSON and YAML with size and nesting limits; YAML anchors and aliases
  (the "billion laughs") are refused;
- :func:`docx_text`: a ``.docx`` file's paragraphs, streamed, with caps on the expanded size, the paragraph
  count, the characters and the time taken.

Each raises :class:`~framing.errors.DataError` (malformed) or :class:`~framing.errors.TooLargeError` (over a cap)
with one line naming the input and the problem. The caps are module constants so that tests can lower them.

Example:
    >>> load_json('{"a": [1, 2]}', "x.json")
    {'a': [1, 2]}
    >>> try: load_json("[" * 200 + "]" * 200, "x.json")
    ... except TooLargeError as e: print(e)
    x.json: nested more than 100 levels deep
"""

from __future__ import annotations

import io
import json
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from framing.errors import DataError, TooLargeError

MAX_DEPTH = 100  # JSON/YAML nesting; annotation records need 4 or 5
MAX_LABELSET_BYTES = 1_000_000
MAX_TEXT_FILE_BYTES = 100_000_000  # a data or annotation file read whole (BABE is 3 MB, PTC's labels 0.2 MB)
MAX_DOCX_EXPANDED = 50_000_000  # bytes of XML in word/document.xml once decompressed
MAX_DOCX_PARAGRAPHS = 200_000
DOCX_SECONDS = 10.0

_SURROGATE = re.compile("[\ud800-\udfff]")


def read_capped(source: str | Path | BinaryIO, limit: int, name: str | None = None) -> bytes:
    """At most ``limit`` bytes of a file (or binary stream); one byte more raises :class:`TooLargeError`.

    Example:
        >>> try: read_capped(io.BytesIO(b"x" * 11), 10, "big.txt")
        ... except TooLargeError as e: print(e)
        big.txt: too large (more than 10 bytes; the limit is 10)
    """
    if hasattr(source, "read"):
        data = source.read(limit + 1)
        shown = name or "<stream>"
    else:
        shown = name or str(source)
        with open(source, "rb") as f:
            data = f.read(limit + 1)
    if len(data) > limit:
        raise TooLargeError(f"{shown}: too large (more than {limit:,} bytes; the limit is {limit:,})")
    return data


def text_problem(data: bytes, offset: int = 0) -> str | None:
    r"""Why ``data``, a file's bytes from byte ``offset`` on, is not UTF-8 text, in the words every entry point
    uses (check, score, evaluate, train, serve); ``None`` when it is. The UTF-16 byte-order mark is looked for
    at the start of the file only.

    Example:
        >>> text_problem(b"caf\xe9")
        'not UTF-8 text (invalid byte 0xe9 at byte offset 3)'
        >>> text_problem(b"a\x00b", offset=10)
        'looks binary (a NUL byte at byte offset 11), not text'
        >>> text_problem("\ufeffHi".encode("utf-16-le"))
        'UTF-16 text (little-endian, with a byte-order mark); save it as UTF-8'
        >>> text_problem("caf\u00e9".encode()) is None
        True
    """
    if offset == 0 and data.startswith((b"\xff\xfe", b"\xfe\xff")):
        order = "little" if data[0] == 0xFF else "big"
        return f"UTF-16 text ({order}-endian, with a byte-order mark); save it as UTF-8"
    nul = data.find(b"\x00")
    if nul >= 0:
        return f"looks binary (a NUL byte at byte offset {offset + nul}), not text"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as e:
        return f"not UTF-8 text (invalid byte 0x{data[e.start]:02x} at byte offset {offset + e.start})"
    return None


# Characters that print nothing: zero-width space, non-joiner, joiner, word joiner, BOM; text of only these
# (and whitespace) is empty.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def read_text_file(path: str | Path, limit: int | None = None, strip_bom: bool = False) -> str:
    r"""A whole UTF-8 text file with a byte cap (default :data:`MAX_TEXT_FILE_BYTES`), or a one-line
    :class:`DataError` naming it and the problem (:func:`text_problem`'s words). Line ends are kept as they are
    (offsets into the text count them), and so is a byte-order mark unless ``strip_bom``.

    Example:
        >>> import tempfile
        >>> bad = Path(tempfile.mkdtemp()) / "labels.csv"; _ = bad.write_bytes(b"text\ncaf\xe9\n")
        >>> try: read_text_file(bad)
        ... except DataError as e: print(str(e).replace(str(bad), "labels.csv"))
        labels.csv: not UTF-8 text (invalid byte 0xe9 at byte offset 8)
    """
    data = read_capped(path, MAX_TEXT_FILE_BYTES if limit is None else limit, str(path))
    problem = text_problem(data)
    if problem is not None:
        raise DataError(f"{path}: {problem}")
    return data.decode("utf-8-sig" if strip_bom else "utf-8")


def is_blank(text: str | bytes) -> bool:
    r"""True when ``text`` has nothing to read: only whitespace and zero-width characters.

    Example:
        >>> is_blank("\u200b\u200b \n"), is_blank("\u200bHi")
        (True, False)
    """
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:  # not blank: the decoder's error says what it is
            return not text.strip()
    return not text.translate(_INVISIBLE).strip()


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """A CSV cell that a spreadsheet will not run as a formula: text starting with ``= + - @``, a tab or a
    carriage return gets a leading apostrophe (OWASP's advice on CSV injection); other values are unchanged.

    Example:
        >>> csv_cell("=cmd|' /C calc'!A0"), csv_cell("Reuters"), csv_cell(3)
        ("'=cmd|' /C calc'!A0", 'Reuters', 3)
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def lone_surrogate(text: str) -> int | None:
    """The offset of the first lone surrogate in ``text`` (not valid Unicode text), or ``None``."""
    m = _SURROGATE.search(text)
    return m.start() if m else None


def check_chars(text: str, limit: int, name: str) -> str:
    """``text`` if it has at most ``limit`` characters and no lone surrogate, else a one-line error."""
    if len(text) > limit:
        raise TooLargeError(f"{name}: too long ({len(text):,} characters; the limit is {limit:,})")
    at = lone_surrogate(text)
    if at is not None:
        raise DataError(f"{name}: a lone surrogate U+{ord(text[at]):04X} at character {at} (not valid Unicode)")
    return text


def depth(value, limit: int = MAX_DEPTH) -> int:
    """Nesting depth of parsed JSON/YAML data (iterative, stops counting past ``limit``)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, d = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, d)
            if deepest > limit:
                return deepest
            stack.extend((v, d + 1) for v in (item.values() if isinstance(item, dict) else item))
    return deepest


def load_json(text: str | bytes, name: str, max_depth: int = MAX_DEPTH):
    """``json.loads`` with a nesting limit: deep nesting is a one-line error, never a ``RecursionError``.

    ``json.JSONDecodeError`` is left to the caller, which knows the line it read.
    """
    return _nesting_capped(lambda: json.loads(text), name, max_depth)


def _nesting_capped(parse: Callable[[], object], name: str, max_depth: int):
    """``parse()``, with deep nesting (in the parser or the value) a :class:`TooLargeError` naming ``name``."""
    try:
        value = parse()
    except RecursionError:
        raise TooLargeError(f"{name}: nested more than {max_depth} levels deep") from None
    if depth(value, max_depth) > max_depth:
        raise TooLargeError(f"{name}: nested more than {max_depth} levels deep")
    return value


def load_yaml(text: str, name: str, max_depth: int = MAX_DEPTH):
    """``yaml.safe_load`` of a small file, with anchors and aliases refused (an alias can expand to
    gigabytes: the "billion laughs") and a nesting limit."""
    import yaml

    if len(text) > MAX_LABELSET_BYTES:
        raise TooLargeError(f"{name}: too large ({len(text):,} characters; the limit is {MAX_LABELSET_BYTES:,})")

    def parse():
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                line = event.start_mark.line + 1
                raise DataError(f"{name}:{line}: YAML anchors and aliases (&name, *name) are not allowed; "
                                "write each entry out")
        return yaml.safe_load(text)

    return _nesting_capped(parse, name, max_depth)


def short_repr(value, limit: int = 60) -> str:
    """``repr(value)`` of bounded size (a few items, two levels, ``limit`` characters), for error
    messages about hostile data: a plain ``repr`` of an aliased YAML value can run to gigabytes.

    Example:
        >>> short_repr({"a": [[[[1]]]], "b": "x" * 100}, 40)
        "{'a': [[...]], 'b': 'xxxxxxxxxxxxxxxx..."
    """
    import reprlib

    r = reprlib.Repr()
    r.maxstring, r.maxother, r.maxlist, r.maxdict, r.maxlevel = 50, 50, 4, 4, 2
    shown = r.repr(value)
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_RUN_TEXT = {_W + "t": None, _W + "tab": "\t", _W + "ptab": "\t", _W + "cr": "\n", _W + "noBreakHyphen": "-"}


def _run_text(run) -> str:
    out = []
    for e in run:
        if e.tag == _W + "t":
            out.append(e.text or "")
        elif e.tag == _W + "br":
            out.append("\n" if e.get(_W + "type", "textWrapping") == "textWrapping" else "")
        elif e.tag in _RUN_TEXT:
            out.append(_RUN_TEXT[e.tag])
    return "".join(out)


def _paragraph_text(p) -> str:
    """As python-docx's ``Paragraph.text``: the paragraph's runs and hyperlinks' runs."""
    out = []
    for child in p:
        if child.tag == _W + "r":
            out.append(_run_text(child))
        elif child.tag == _W + "hyperlink":
            out.extend(_run_text(r) for r in child if r.tag == _W + "r")
    return "".join(out)


def _main_part(archive) -> str:
    """The main document part named by ``_rels/.rels`` (usually ``word/document.xml``)."""
    from lxml import etree

    try:
        info = archive.getinfo("_rels/.rels")
    except KeyError:
        return "word/document.xml"
    if info.file_size > 1_000_000:
        raise TooLargeError("the .docx package's _rels/.rels is over 1 MB")
    rels = etree.fromstring(archive.read(info), etree.XMLParser(resolve_entities=False, no_network=True))
    for rel in rels.iter(_REL + "Relationship"):
        if rel.get("Type") == _OFFICE_DOCUMENT:
            return rel.get("Target", "word/document.xml").lstrip("/")
    return "word/document.xml"


class _Chained(io.RawIOBase):
    """``head`` (already read) followed by the rest of ``stream``."""

    def __init__(self, head: bytes, stream) -> None:
        self._head, self._stream = head, stream

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        if self._head:
            out, self._head = (self._head, b"") if n < 0 or n >= len(self._head) else (self._head[:n], self._head[n:])
            return out
        return self._stream.read(n)


def docx_text(data: bytes, max_chars: int | None = None, name: str = "the .docx file") -> str:
    """The body paragraphs of a ``.docx`` file as plain text, one blank line between non-empty
    paragraphs (the text python-docx's ``Document.paragraphs`` gives), streamed from the archive with
    bounded memory and time: over ``MAX_DOCX_EXPANDED`` bytes of XML, ``MAX_DOCX_PARAGRAPHS`` paragraphs,
    ``max_chars`` characters or ``DOCX_SECONDS`` seconds it stops with :class:`TooLargeError`. DTDs and
    entities are never expanded; malformed XML is a :class:`DataError`.

    Example:
        >>> import docx; d = docx.Document(); _ = d.add_paragraph("One."); buf = io.BytesIO(); d.save(buf)
        >>> docx_text(buf.getvalue())
        'One.'
    """
    import zipfile

    from lxml import etree

    deadline = time.monotonic() + DOCX_SECONDS
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        part = _main_part(archive)
        info = archive.getinfo(part)
    except (zipfile.BadZipFile, KeyError, OSError, EOFError) as e:
        raise DataError(f"not a .docx file ({e})") from None
    except etree.XMLSyntaxError as e:
        raise DataError(f"not a .docx file (malformed _rels/.rels: {e})") from None
    if info.file_size > MAX_DOCX_EXPANDED:
        raise TooLargeError(f"{name} expands to {info.file_size:,} bytes of XML; the limit is {MAX_DOCX_EXPANDED:,}")
    paragraphs, chars, count = [], 0, 0
    try:
        with archive.open(info) as stream:  # zipfile stops at the declared size and checks the CRC
            head = stream.read(65536)
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise DataError(f"not a .docx file ({part} declares a DTD or entities, which Word never writes)")
            events = etree.iterparse(_Chained(head, stream), events=("end",), tag=(_W + "p", _W + "tbl", _W + "sdt"),
                                     resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False)
            for _, elem in events:
                parent = elem.getparent()
                if parent is None or parent.tag != _W + "body":
                    continue  # nested in a table or content control: python-docx leaves these out too
                if elem.tag == _W + "p":
                    count += 1
                    text = _paragraph_text(elem)
                    if text.strip():
                        paragraphs.append(text)
                        chars += len(text) + 2
                elem.clear()
                while elem.getprevious() is not None:  # keep memory flat: drop what has been read
                    del parent[0]
                if count > MAX_DOCX_PARAGRAPHS:
                    raise TooLargeError(f"{name} has more than {MAX_DOCX_PARAGRAPHS:,} paragraphs")
                if max_chars is not None and chars - 2 > max_chars:
                    raise TooLargeError(f"text too long: more than {max_chars:,} characters; "
                                        f"the limit is {max_chars:,}")
                if time.monotonic() > deadline:
                    raise TooLargeError(f"{name} took more than {DOCX_SECONDS:g} s to read; send a shorter document")
    except DataError:
        raise
    except etree.XMLSyntaxError as e:
        raise DataError(f"not a .docx file (malformed XML in {part}: {e})") from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as e:
        raise DataError(f"not a .docx file ({e})") from None
    return "\n\n".join(paragraphs)
