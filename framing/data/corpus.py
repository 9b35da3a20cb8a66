"""Read a corpus as it is, one document at a time, for batch scoring.

An input is a folder of ``.txt``/``.md``/``.html`` files, a JSON Lines, CSV or Parquet file with an
id column and a text column (other columns become metadata, kept as text: see :func:`meta_text`), or a
folder written by ``datasets.Dataset.save_to_disk``. CSV and Parquet files are read in blocks with
``pyarrow`` (``datasets`` for a saved dataset), JSON Lines a block of lines at a time with the standard
``json`` module, so memory stays flat however large the corpus.

A document that cannot be scored (empty, not UTF-8, enormous, no id) comes out with ``error`` set
and ``text=None``; an input that cannot be read at all (missing column, malformed file) raises
:class:`~framing.data.documents.InputError` with one line naming the file.

Example:
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.txt").write_text("One. Two.", encoding="utf-8")
    >>> _ = (folder / "b.txt").write_bytes(b"")
    >>> [(d.doc_id, d.text, d.error) for d in iter_documents([str(folder)])]
    [('a.txt', 'One. Two.', None), ('b.txt', None, 'empty (no text to score)')]
"""

from __future__ import annotations

import csv
import datetime
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from framing.data.documents import MAX_BYTES, MAX_CHARS, InputError, decode_document
from framing.errors import DataError, TooLargeError
from framing.guards import is_blank, load_json, lone_surrogate, read_capped, text_problem

# One document longer than framing.data.documents.MAX_CHARS (1,000,000, framing check's cap too) would hold a
# whole chunk's memory on its own; real articles are far shorter (AllSides' longest is under 100,000 characters).
TEXT_SUFFIXES = (".txt", ".md")
HTML_SUFFIXES = (".html", ".htm")
TABLE_SUFFIXES = (".jsonl", ".json", ".csv", ".parquet")
_BLOCK_BYTES = 8 << 20  # CSV is parsed this much at a time
_ROWS = 256  # rows taken from a JSON Lines, Parquet file or saved dataset at a time
# Tags that start a new line when HTML is reduced to text, so that sentences never run across blocks.
_BLOCK_TAGS = ("p", "div", "br", "li", "ul", "ol", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6",
               "title", "header", "footer", "section", "article", "blockquote", "pre", "table", "hr", "figcaption")
_DROPPED_TAGS = ("script", "style", "noscript", "template")


@dataclass
class CorpusDocument:
    """One document of a corpus: ``text`` as read (``None`` when ``error`` says why it cannot be scored)."""

    doc_id: str
    text: str | None
    meta: dict = field(default_factory=dict)
    error: str | None = None


def iter_documents(inputs: list[str], id_field: str = "id", text_field: str = "text") -> Iterator[CorpusDocument]:
    """Yield every document of ``inputs`` in a fixed order (inputs as given, files sorted by name).

    Example:
        >>> docs = iter_documents(["news.jsonl"], id_field="ID", text_field="content")  # doctest: +SKIP
        >>> next(docs).meta  # doctest: +SKIP
        {'source': 'Reuters', 'date': '2016-09-20'}
    """
    for name in inputs:
        path = Path(name)
        if path.is_dir():
            if (path / "dataset_dict.json").is_file():
                raise InputError(f"{name}: a DatasetDict folder; give one split's folder, e.g. {path / 'train'}")
            if (path / "state.json").is_file() and (path / "dataset_info.json").is_file():
                yield from _saved_dataset(path, id_field, text_field)
            else:
                yield from _text_folder(path)
        elif not path.exists():
            raise InputError(f"{name}: no such file or folder")
        elif path.suffix.lower() in (".jsonl", ".json"):
            yield from _rows(path, _jsonl_blocks(path), id_field, text_field)
        elif path.suffix.lower() == ".csv":
            yield from _rows(path, _arrow_rows(_csv_blocks(path, id_field, text_field)), id_field, text_field)
        elif path.suffix.lower() == ".parquet":
            yield from _rows(path, _arrow_rows(_parquet_blocks(path)), id_field, text_field)
        else:
            raise InputError(f"{name}: not a corpus input (expected a folder of .txt/.md/.html files, a .jsonl, "
                             f".csv or .parquet file, or a datasets save_to_disk folder)")


def count_documents(inputs: list[str], id_field: str = "id") -> int | None:
    """How many documents :func:`iter_documents` will yield (for progress and ETA), ``None`` if unknown.

    Counting reads the inputs' row counts (Parquet metadata, saved datasets), lines (JSON Lines) or
    one column (CSV), never the texts themselves.
    """
    total = 0
    for name in inputs:
        path = Path(name)
        suffix = path.suffix.lower()
        try:
            if path.is_dir() and (path / "state.json").is_file():
                from datasets import load_from_disk

                total += load_from_disk(str(path)).num_rows
            elif path.is_dir():
                total += len(corpus_files(path))
            elif suffix == ".parquet":
                import pyarrow.parquet as pq

                total += pq.ParquetFile(path).metadata.num_rows
            elif suffix in (".jsonl", ".json"):
                with open(path, "rb") as f:
                    total += sum(1 for line in f if line.strip())
            elif suffix == ".csv":
                import pyarrow.csv as pc

                reader = pc.open_csv(path, parse_options=pc.ParseOptions(newlines_in_values=True),
                                     convert_options=pc.ConvertOptions(include_columns=[id_field]))
                total += sum(batch.num_rows for batch in reader)
            else:
                return None
        except Exception:  # a broken input is reported, with its name, when it is read
            return None
    return total


def checked_text(value: str | bytes | None, name: str) -> tuple[str | None, str | None]:
    """``(text, None)`` for a scorable document, else ``(None, reason)``.

    Example:
        >>> checked_text(b"\\xff", "x")
        (None, 'not UTF-8 text (invalid byte 0xff at byte offset 0)')
    """
    if value is None:
        return None, "no text (the text field is missing or null)"
    if not isinstance(value, (str, bytes)):
        return None, f"the text field holds {type(value).__name__} {str(value)[:40]!r}, not text"
    if is_blank(value):
        return None, "empty (no text to score)"
    try:
        text = decode_document(value, name) if isinstance(value, bytes) else value
    except InputError as e:
        return None, str(e).removeprefix(f"{name}: ")
    if lone_surrogate(text) is not None:
        return None, f"not valid Unicode (a lone surrogate at character {lone_surrogate(text)})"
    if len(text) > MAX_CHARS:
        return None, f"too long ({len(text):,} characters; the limit is {MAX_CHARS:,})"
    return text, None


def html_to_text(html: str) -> str:
    """The visible text of an HTML page, one line per block element (scripts and styles dropped).

    Example:
        >>> html_to_text("<html><title>T</title><p>One <b>bold</b> move.</p><script>x()</script><p>Two.</p></html>")
        'T\\nOne bold move.\\nTwo.'
    """
    from bs4 import BeautifulSoup, CData, NavigableString

    soup = BeautifulSoup(html, "html.parser")
    # one walk over the tree, in linear time (inserting a newline before each block element was quadratic:
    # 20,000 <p> took 23 s); the text is get_text()'s (no comments or declarations), a newline around each block
    pieces: list[str] = []
    stack: list = [soup]
    while stack:
        node = stack.pop()
        if type(node) is str:  # a newline pushed after a block's children
            pieces.append(node)
        elif isinstance(node, NavigableString):
            if type(node) in (NavigableString, CData):
                pieces.append(str(node))
        elif node.name not in _DROPPED_TAGS:
            block = node.name in _BLOCK_TAGS
            if block:
                pieces.append("\n")
                stack.append("\n")
            stack.extend(reversed(node.contents))
    lines = (re.sub(r"\s+", " ", line).strip() for line in "".join(pieces).splitlines())
    return "\n".join(line for line in lines if line)


def corpus_files(folder: Path) -> list[Path]:
    """The ``.txt``, ``.md`` and ``.html`` files under ``folder``, sorted; other files are not read."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES + HTML_SUFFIXES)


def _text_folder(folder: Path) -> Iterator[CorpusDocument]:
    files = corpus_files(folder)
    if not files:
        raise InputError(f"{folder}: no .txt, .md or .html files in this folder")
    for path in files:
        doc_id = path.relative_to(folder).as_posix()
        try:  # a 1 GB file costs its first MAX_BYTES + 1 bytes to refuse, not the whole file
            text, error = checked_text(read_capped(path, MAX_BYTES, doc_id), doc_id)
        except TooLargeError as e:
            text, error = None, str(e).removeprefix(f"{doc_id}: ")
        except OSError as e:
            text, error = None, f"cannot be read ({e.strerror})"
        if text is not None and path.suffix.lower() in HTML_SUFFIXES:
            text, error = checked_text(html_to_text(text), doc_id)
        yield CorpusDocument(doc_id, text, {}, error)


def meta_text(value) -> str | None:
    """A metadata value as text, as ``framing score`` stores it: types guessed from CSV or JSON could
    change between blocks (a ``year`` of ``2016`` then ``"unknown"``) or alter values (zip ``00123``).

    Example:
        >>> [meta_text(v) for v in ("Reuters", 2016, 1.5, True, None, ["a", "b"], datetime.date(2020, 1, 5))]
        ['Reuters', '2016', '1.5', 'true', None, '["a", "b"]', '2020-01-05']
    """
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return json.dumps(value, ensure_ascii=False, default=str)


def _rows(path: Path, blocks: Iterator[tuple[list[str], list[dict]]], id_field: str,
          text_field: str) -> Iterator[CorpusDocument]:
    """Documents from blocks of ``(column names, records)`` of a tabular file; row numbers count from 1."""
    row = 0
    for names, records in blocks:
        missing = [f"{kind} column {col!r}" for kind, col in (("id", id_field), ("text", text_field))
                   if col not in names]
        if missing:
            flag = "--id-field" if missing[0].startswith("id") else "--text-field"
            raise InputError(f"{path}: no {' and no '.join(missing)} (columns: {', '.join(names)}); "
                             f"name the right one with {flag}")
        for record in records:
            row += 1
            raw_id, value = record.pop(id_field, None), record.pop(text_field, None)
            doc_id = f"{path.name}:{row}" if raw_id is None else meta_text(raw_id)
            text, error = checked_text(value, doc_id)
            if raw_id is None:
                text, error = None, f"no id (the {id_field!r} field is missing or null in row {row})"
            yield CorpusDocument(doc_id, text, {k: meta_text(v) for k, v in record.items()}, error)


def _arrow_rows(batches: Iterator) -> Iterator[tuple[list[str], list[dict]]]:
    for batch in batches:
        yield batch.schema.names, batch.to_pylist()


def _jsonl_blocks(path: Path) -> Iterator[tuple[list[str], list[dict]]]:
    """Blocks of records, each line parsed on its own by ``json``: pyarrow's JSON reader guesses a type per
    block (ISO dates become timestamps) and its errors count rows, not the file's lines."""
    names: dict[str, None] = {}
    records: list[dict] = []
    offset = 0
    with open(path, "rb") as f:
        for number, line in enumerate(f, 1):
            start, offset = offset, offset + len(line)
            problem = text_problem(line, start)
            if problem is not None:
                raise InputError(f"{path}: not valid JSON Lines (line {number}: {problem})")
            if is_blank(line):
                continue
            try:
                record = load_json(line.rstrip(b"\r\n"), f"line {number}")  # an error at the end keeps its column
            except json.JSONDecodeError as e:
                raise InputError(f"{path}: not valid JSON Lines (line {number}, column {e.colno}: {e.msg})") from None
            except DataError as e:
                raise InputError(f"{path}: not valid JSON Lines ({e})") from None
            if not isinstance(record, dict):
                raise InputError(f"{path}: not valid JSON Lines (line {number}: a JSON object per line expected, "
                                 f"got {type(record).__name__})")
            names.update(dict.fromkeys(record))
            records.append(record)
            if len(records) == _ROWS:
                yield list(names), records
                names, records = {}, []
    if records:
        yield list(names), records


def _arrow_batches(open_batches, problem: str) -> Iterator:
    """Batches from ``open_batches()``, with Arrow's errors as one line saying ``problem``.

    The ``yield`` stays outside the ``try``, so closing the generator never runs the ``except``.
    """
    import pyarrow as pa

    try:
        batches = iter(open_batches())
    except pa.ArrowException as e:
        raise InputError(f"{problem} ({str(e).splitlines()[0]})") from None
    while True:
        try:
            batch = next(batches, None)
        except pa.ArrowException as e:
            raise InputError(f"{problem} ({str(e).splitlines()[0]})") from None
        if batch is None:
            return
        yield batch


def _csv_blocks(path: Path, id_field: str, text_field: str) -> Iterator:
    import pyarrow as pa
    import pyarrow.csv as pc

    # Every column as text: a type guessed from the first block may not fit a later one (and would turn
    # zip 00123 into 123). The text as bytes, so that one non-UTF-8 document is an error row, not a failed file;
    # but a file that is UTF-16 or binary from its start is no CSV at all.
    with open(path, "rb") as f:
        head = f.read(4096)
    problem = text_problem(head)
    if problem is not None and not problem.startswith("not UTF-8"):  # a cut character at byte 4096 is no sign
        raise InputError(f"{path}: {problem}")
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as f:
        header = next(csv.reader(f), [])
    types = {name: pa.string() for name in header} | {text_field: pa.binary()}
    return _arrow_batches(lambda: pc.open_csv(path, read_options=pc.ReadOptions(block_size=_BLOCK_BYTES),
                                              parse_options=pc.ParseOptions(newlines_in_values=True),
                                              convert_options=pc.ConvertOptions(column_types=types)),
                          f"{path}: not a readable CSV file")


def _parquet_blocks(path: Path) -> Iterator:
    import pyarrow.parquet as pq

    return _arrow_batches(lambda: pq.ParquetFile(path).iter_batches(batch_size=_ROWS),
                          f"{path}: not a readable Parquet file")


def _saved_dataset(folder: Path, id_field: str, text_field: str) -> Iterator[CorpusDocument]:
    from datasets import load_from_disk

    dataset = load_from_disk(str(folder))
    yield from _rows(folder, _arrow_rows(dataset.with_format("arrow").iter(batch_size=_ROWS)), id_field, text_field)
