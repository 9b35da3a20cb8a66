"""Read a corpus as it is, one document at a time, for batch scoring.

An input is a folder of ``.txt``/``.md``/``.html`` files, a JSON Lines, CSV or Parquet file with an
id column and a text column (other columns become metadata), or a folder written by
``datasets.Dataset.save_to_disk``. Files are read in blocks with ``pyarrow`` (``datasets`` for a saved
dataset), so memory stays flat however large the corpus.

A document that cannot be scored (empty, not UTF-8, enormous, no id) comes out with ``error`` set
and ``text=None``; an input that cannot be read at all (missing column, malformed file) raises
:class:`~framing.inputs.InputError` with one line naming the file.

Example:
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.txt").write_text("One. Two.", encoding="utf-8")
    >>> _ = (folder / "b.txt").write_bytes(b"")
    >>> [(d.doc_id, d.text, d.error) for d in iter_documents([str(folder)])]
    [('a.txt', 'One. Two.', None), ('b.txt', None, 'empty (no text to score)')]
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from framing.inputs import InputError, decode_document

# One document longer than this would hold a whole chunk's memory on its own; real articles are far
# shorter (AllSides' longest is under 100,000 characters).
MAX_CHARS = 1_000_000
TEXT_SUFFIXES = (".txt", ".md")
HTML_SUFFIXES = (".html", ".htm")
TABLE_SUFFIXES = (".jsonl", ".json", ".csv", ".parquet")
_BLOCK_BYTES = 8 << 20  # JSON Lines / CSV are parsed this much at a time
_ROWS = 256  # rows taken from a Parquet file or saved dataset at a time
# Tags that start a new line when HTML is reduced to text, so that sentences never run across blocks.
_BLOCK_TAGS = ("p", "div", "br", "li", "ul", "ol", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6",
               "title", "header", "footer", "section", "article", "blockquote", "pre", "table", "hr", "figcaption")


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
            yield from _rows(path, _csv_blocks(path, id_field, text_field), id_field, text_field)
        elif path.suffix.lower() == ".parquet":
            yield from _rows(path, _parquet_blocks(path), id_field, text_field)
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

                reader = pc.open_csv(path, convert_options=pc.ConvertOptions(include_columns=[id_field]))
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
    if not value.strip():
        return None, "empty (no text to score)"
    try:
        text = decode_document(value, name) if isinstance(value, bytes) else value
    except InputError as e:
        return None, str(e).removeprefix(f"{name}: ")
    if len(text) > MAX_CHARS:
        return None, f"too long ({len(text):,} characters; the limit is {MAX_CHARS:,})"
    return text, None


def html_to_text(html: str) -> str:
    """The visible text of an HTML page, one line per block element (scripts and styles dropped).

    Example:
        >>> html_to_text("<html><title>T</title><p>One <b>bold</b> move.</p><script>x()</script><p>Two.</p></html>")
        'T\\nOne bold move.\\nTwo.'
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    for tag in soup.find_all(_BLOCK_TAGS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    lines = (re.sub(r"\s+", " ", line).strip() for line in soup.get_text().splitlines())
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
        text, error = checked_text(path.read_bytes(), doc_id)
        if text is not None and path.suffix.lower() in HTML_SUFFIXES:
            text, error = checked_text(html_to_text(text), doc_id)
        yield CorpusDocument(doc_id, text, {}, error)


def _rows(path: Path, blocks: Iterator, id_field: str, text_field: str) -> Iterator[CorpusDocument]:
    """Documents from record batches (or tables) of a tabular file; row numbers count from 1."""
    row = 0
    for batch in blocks:
        missing = [f"{kind} column {col!r}" for kind, col in (("id", id_field), ("text", text_field))
                   if col not in batch.schema.names]
        if missing:
            flag = "--id-field" if missing[0].startswith("id") else "--text-field"
            raise InputError(f"{path}: no {' and no '.join(missing)} (columns: {', '.join(batch.schema.names)}); "
                             f"name the right one with {flag}")
        for record in batch.to_pylist():
            row += 1
            raw_id, value = record.pop(id_field), record.pop(text_field)
            doc_id = f"{path.name}:{row}" if raw_id is None else str(raw_id)
            text, error = checked_text(value, doc_id)
            if raw_id is None:
                text, error = None, f"no id (the {id_field!r} field is missing or null in row {row})"
            yield CorpusDocument(doc_id, text, record, error)


def _jsonl_blocks(path: Path) -> Iterator:
    """Tables of whole lines, each parsed on its own so that a column null in one block may be text in the next."""
    import pyarrow as pa
    import pyarrow.json as pj

    first_line = 1
    with open(path, "rb") as f:
        while True:
            block = f.read(_BLOCK_BYTES)
            if not block:
                return
            block += f.readline()  # finish the last line
            lines = block.count(b"\n") + (not block.endswith(b"\n"))
            if block.strip():
                try:
                    table = pj.read_json(io.BytesIO(block), read_options=pj.ReadOptions(block_size=len(block) + 1))
                except pa.ArrowInvalid as e:
                    raise InputError(f"{path}: not valid JSON Lines {_where(str(e), first_line)}") from None
                yield table
            first_line += lines


def _where(message: str, first_line: int) -> str:
    """Arrow's JSON error counts rows within a block; name the file's line instead."""
    message = message.splitlines()[0].removeprefix("JSON parse error: ")
    m = re.search(r" in row (\d+)$", message)
    if m:
        return f"(line {first_line + int(m.group(1))}: {message[: m.start()]})"
    return f"(near lines {first_line}+: {message})"


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

    # text as bytes, so that one non-UTF-8 document is an error row, not a failed file
    types = {id_field: pa.string(), text_field: pa.binary()}
    return _arrow_batches(lambda: pc.open_csv(path, read_options=pc.ReadOptions(block_size=_BLOCK_BYTES),
                                              convert_options=pc.ConvertOptions(column_types=types)),
                          f"{path}: not a readable CSV file")


def _parquet_blocks(path: Path) -> Iterator:
    import pyarrow.parquet as pq

    return _arrow_batches(lambda: pq.ParquetFile(path).iter_batches(batch_size=_ROWS),
                          f"{path}: not a readable Parquet file")


def _saved_dataset(folder: Path, id_field: str, text_field: str) -> Iterator[CorpusDocument]:
    from datasets import load_from_disk

    dataset = load_from_disk(str(folder))
    yield from _rows(folder, (t for t in dataset.with_format("arrow").iter(batch_size=_ROWS)), id_field, text_field)
