"""Rows and files of ``framing score``'s four tables: documents, sentences, spans and errors.

Rows are built per document (:func:`document_rows`, :func:`error_row`); a run commits them in chunks
(:func:`write_chunk`, atomic: a chunk folder appears whole or not at all) and finally joins the chunks
into one file per table (:func:`merge_chunks`) in Parquet, JSON Lines or CSV, reading one chunk at a
time. Every engine (local, Ray) writes through these functions, so their tables are the same.

Example:
    >>> from framing.data.corpus import CorpusDocument
    >>> from framing.labels import DEFAULT_LABELSET
    >>> from framing.pipeline.results import DocumentResult, Sentence, Span
    >>> doc = CorpusDocument("d1", "Thugs ran.", {"source": "X"}, None)
    >>> result = DocumentResult(doc.text, [Sentence(0, 10, "Thugs ran.", 0.9, True, ["NAME_CALLING"],
    ...                                                    {"BIASED": 0.9}, ["BIASED"])],
    ...                         [Span(0, 5, "Thugs", "NAME_CALLING", 0.8, 0)])
    >>> row, sentences, spans = document_rows(doc, result, DEFAULT_LABELSET)
    >>> row["source"], row["n_sentences"], row["NAME_CALLING_count"], row["BIASED_per_1k"]
    ('X', 1, 1, 1000.0)
    >>> spans[0]["text"] == doc.text[spans[0]["start"]:spans[0]["end"]]
    True
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import typing
from collections.abc import Iterable, Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from framing.atomic import atomic_file, atomic_folder
from framing.data.corpus import CorpusDocument
from framing.data.documents import InputError
from framing.errors import UsageError
from framing.labels import LabelSet
from framing.pipeline.results import DocumentResult, Sentence, Span

TABLES = ("documents", "sentences", "spans", "errors")
FORMATS = ("parquet", "jsonl", "csv")
CHUNK_FILE = "{table}.parquet"  # inside a chunk folder; chunks are always Parquet
CHUNK_INFO = "chunk.json"

_ARROW = {int: pa.int64(), float: pa.float64(), str: pa.string(), bool: pa.bool_(), list[str]: pa.list_(pa.string())}


def result_columns(kind: type, leave_out: tuple[str, ...] = ()) -> list[str]:
    """The columns a table takes from a result dataclass (:mod:`framing.pipeline.results`), in its field order.

    Example:
        >>> result_columns(Span)
        ['start', 'end', 'text', 'label', 'score', 'sentence', 'voice']
    """
    return [f.name for f in dataclasses.fields(kind) if f.name not in leave_out]


def _schema(kind: type, leave_out: tuple[str, ...] = ()) -> pa.Schema:
    """``doc_id`` and ``sentence`` (the sentence's index in its document) first, then the dataclass's fields."""
    hints = typing.get_type_hints(kind)
    own = [(name, _ARROW[hints[name]]) for name in result_columns(kind, ("sentence", *leave_out))]
    return pa.schema([("doc_id", pa.string()), ("sentence", pa.int64()), *own])


# the documents table holds the sentence labels' counts; the sentences table their decisions, not every probability
SENTENCE_COLUMNS = result_columns(Sentence, ("sentence_scores",))
SENTENCE_SCHEMA = _schema(Sentence, ("sentence_scores",))
SPAN_COLUMNS = result_columns(Span, ("sentence",))
SPAN_SCHEMA = _schema(Span)


ERROR_SCHEMA = pa.schema([("doc_id", pa.string()), ("error", pa.string())])


def empty_schema(name: str, labels: LabelSet) -> pa.Schema:
    """The columns table ``name`` has even with no rows (metadata columns come with the rows that carry them),
    so that a run of an empty corpus, or of documents that all failed, still writes complete tables.

    Example:
        >>> from framing.labels import LabelSet
        >>> empty_schema("documents", LabelSet(("L",), (), {"L": "l"})).names
        ['doc_id', 'n_sentences', 'n_words', 'L_count', 'L_per_1k', 'L_quoted_count', 'L_quoted_per_1k']
    """
    if name != "documents":
        return {"sentences": SENTENCE_SCHEMA, "spans": SPAN_SCHEMA, "errors": ERROR_SCHEMA}[name]
    return pa.schema([("doc_id", pa.string()), ("n_sentences", pa.int64()), ("n_words", pa.int64())]
                     + [(c, pa.float64() if c.endswith("_per_1k") else pa.int64()) for c in label_columns(labels)])


def label_columns(labels: LabelSet) -> list[str]:
    """The documents table's per-label columns: ``LABEL_count`` and ``LABEL_per_1k`` (per 1,000 sentences)
    in the writer voice, then ``LABEL_quoted_count`` and ``LABEL_quoted_per_1k`` in quoted voice (flags
    inside attributed quotations; sentences that are mostly such quotations).

    Example:
        >>> from framing.labels import LabelSet
        >>> label_columns(LabelSet(("L",), ("B",), {"L": "l", "B": "b"}))
        ['L_count', 'L_per_1k', 'B_count', 'B_per_1k', 'L_quoted_count', 'L_quoted_per_1k', 'B_quoted_count', \
'B_quoted_per_1k']
    """
    return [f"{label}{voice}{suffix}" for voice in ("", "_quoted")
            for label in (*labels.span_labels, *labels.sentence_labels) for suffix in ("_count", "_per_1k")]


def document_rows(doc: CorpusDocument, result: DocumentResult, labels: LabelSet) -> tuple[dict, list[dict], list[dict]]:
    """The documents row, sentence rows and span rows of one scored document.

    Span labels count writer-voice spans in ``LABEL_count`` (the outlet's own framing) and quoted-voice
    spans in ``LABEL_quoted_count``; a sentence label (``BIASED``) counts the sentences that carry it, by
    the sentence's voice the same way. ``_per_1k`` divides a count by the document's sentences, times 1,000.
    """
    n = len(result.sentences)
    labelled = [(s.label, s.voice) for s in result.spans]
    labelled += [(label, s.voice) for s in result.sentences for label in s.sentence_labels]
    counts = {f"{label}{voice}": 0 for voice in ("", "_quoted")
              for label in (*labels.span_labels, *labels.sentence_labels)}
    for label, voice in labelled:
        key = label if voice == "writer" else f"{label}_quoted"
        counts[key] = counts.get(key, 0) + 1
    row = {"doc_id": doc.doc_id, **_meta(doc.meta, labels), "n_sentences": n, "n_words": len(result.text.split())}
    for label in counts:
        row[f"{label}_count"] = counts[label]
        row[f"{label}_per_1k"] = 1000.0 * counts[label] / n if n else 0.0
    sentences = [{"doc_id": doc.doc_id, "sentence": k, **{c: getattr(s, c) for c in SENTENCE_COLUMNS}}
                 for k, s in enumerate(result.sentences)]
    spans = [{"doc_id": doc.doc_id, "sentence": s.sentence, **{c: getattr(s, c) for c in SPAN_COLUMNS}}
             for s in result.spans]
    return row, sentences, spans


def error_row(doc: CorpusDocument) -> dict:
    """The errors-table row of a document that was not scored: ``doc_id``, ``error`` and its metadata.

    Example:
        >>> error_row(CorpusDocument("d2", None, {"source": "X"}, "empty (no text to score)"))
        {'doc_id': 'd2', 'error': 'empty (no text to score)', 'source': 'X'}
    """
    meta = {(f"meta_{k}" if k in ("doc_id", "error") else k): v for k, v in doc.meta.items()}
    return {"doc_id": doc.doc_id, "error": doc.error, **meta}


def _meta(meta: dict, labels: LabelSet) -> dict:
    # a metadata column named like one of ours keeps its value under a meta_ prefix
    ours = {"doc_id", "n_sentences", "n_words", *label_columns(labels)}
    return {(f"meta_{k}" if k in ours else k): v for k, v in meta.items()}


def chunk_tables(docs: Sequence[CorpusDocument], results: Sequence[DocumentResult | None],
                 labels: LabelSet) -> dict[str, list[dict]]:
    """All four tables' rows for documents in order; ``results[i]`` is ``None`` for an error document."""
    tables: dict[str, list[dict]] = {name: [] for name in TABLES}
    for doc, result in zip(docs, results):
        if result is None:
            tables["errors"].append(error_row(doc))
            continue
        row, sentences, spans = document_rows(doc, result, labels)
        tables["documents"].append(row)
        tables["sentences"] += sentences
        tables["spans"] += spans
    return tables


def _to_table(name: str, rows: list[dict]) -> pa.Table:
    fixed = {"sentences": SENTENCE_SCHEMA, "spans": SPAN_SCHEMA}.get(name)
    if fixed is not None:
        return pa.Table.from_pylist(rows, schema=fixed)
    try:
        table = pa.Table.from_pylist(rows)
    except (pa.ArrowInvalid, pa.ArrowTypeError) as e:
        raise InputError(f"metadata columns mix types that one table column cannot hold ({e})") from None
    if not rows:  # an all-error chunk still gives the documents table its key column
        table = pa.table({"doc_id": pa.array([], pa.string())})
    return table


def write_chunk(folder: str | os.PathLike, tables: dict[str, list[dict]], info: dict) -> Path:
    """Write one chunk's tables and ``info`` (JSON) into ``folder`` atomically; returns the folder.

    The files go to a temporary sibling that is renamed into place, so after a crash a chunk folder is
    either complete or absent (temporary folders are left for :func:`committed_chunks` to clear).
    """
    final = Path(folder)
    with atomic_folder(final) as tmp:
        for name in TABLES:
            pq.write_table(_to_table(name, tables.get(name, [])), tmp / CHUNK_FILE.format(table=name))
        (tmp / CHUNK_INFO).write_text(json.dumps(info) + "\n", encoding="utf-8")
    return final


def committed_chunks(folder: str | os.PathLike) -> list[Path]:
    """The complete chunk folders under ``folder`` in name order; half-written ones are deleted."""
    root = Path(folder)
    if not root.is_dir():
        return []
    for tmp in root.glob("*.tmp"):
        shutil.rmtree(tmp, ignore_errors=True)
    return sorted(p for p in root.iterdir() if p.is_dir() and (p / CHUNK_INFO).is_file())


def chunk_info(chunk: Path) -> dict:
    return json.loads((chunk / CHUNK_INFO).read_text(encoding="utf-8"))


def merge_chunks(chunks: Sequence[Path], out: str | os.PathLike, labels: LabelSet,
                 fmt: str = "parquet") -> dict[str, int]:
    """Join the chunks' tables into ``out/<table>.<fmt>``, one chunk in memory at a time; returns row counts.

    Columns that appear in only some chunks (metadata) are filled with nulls elsewhere; every table has at
    least its :func:`empty_schema` columns, also with no chunks at all (an empty corpus). Each file is
    written under a temporary name and renamed into place.
    """
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    out = Path(out)
    counts = {}
    for name in TABLES:
        files = [c / CHUNK_FILE.format(table=name) for c in chunks]
        try:
            schema = pa.unify_schemas([*(pq.read_schema(f) for f in files), empty_schema(name, labels)],
                                      promote_options="permissive")
        except (pa.ArrowInvalid, pa.ArrowTypeError) as e:
            raise InputError(f"{name} table: a column changes type between chunks ({str(e).splitlines()[0]})") from None
        with atomic_file(out / f"{name}.{fmt}") as tmp:
            counts[name] = _write_table(tmp, fmt, schema, (_conform(pq.read_table(f), schema) for f in files))
    return counts


def _conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    columns = [table.column(f.name).cast(f.type) if f.name in table.column_names else pa.nulls(len(table), f.type)
               for f in schema]
    return pa.Table.from_arrays(columns, schema=schema)


def _write_table(path: Path, fmt: str, schema: pa.Schema, tables: Iterable[pa.Table]) -> int:
    rows = 0
    if fmt == "parquet":
        with pq.ParquetWriter(path, schema) as writer:
            for table in tables:
                writer.write_table(table)
                rows += len(table)
    elif fmt == "jsonl":
        with open(path, "w", encoding="utf-8") as f:
            for table in tables:
                for record in table.to_pylist():
                    f.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
                rows += len(table)
    else:
        import pyarrow.csv as pc

        flat = pa.schema([pa.field(f.name, pa.string()) if _nested(f.type) else f for f in schema])
        with pc.CSVWriter(path, flat) as writer:
            for table in tables:
                writer.write_table(_flatten(table, flat))
                rows += len(table)
    return rows


def _nested(kind: pa.DataType) -> bool:
    return pa.types.is_nested(kind) or pa.types.is_null(kind)


def _flatten(table: pa.Table, flat: pa.Schema) -> pa.Table:
    """CSV holds no lists or structs: those cells become JSON text (``["LOADED_LANGUAGE"]``). Text that a
    spreadsheet would run as a formula gets a leading apostrophe (:func:`framing.guards.csv_cell`)."""
    from framing.guards import csv_cell

    columns = []
    for field, column in zip(table.schema, table.columns):
        if _nested(field.type):
            column = pa.array([None if v is None else json.dumps(v, ensure_ascii=False, default=str)
                               for v in column.to_pylist()], pa.string())
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            column = pa.array([csv_cell(v) for v in column.to_pylist()], column.type)
        columns.append(column)
    return pa.Table.from_arrays(columns, schema=flat)


def read_table(folder: str | os.PathLike, name: str) -> pa.Table:
    """One finished table of a ``framing score`` output folder, whichever format it was written in.

    Example:
        >>> read_table("scores/", "documents").to_pandas()  # doctest: +SKIP
    """
    folder = Path(folder)
    for fmt in FORMATS:
        path = folder / f"{name}.{fmt}"
        if path.is_file():
            if fmt == "parquet":
                return pq.read_table(path)
            if fmt == "jsonl":
                import pyarrow.json as pj

                return pj.read_json(path) if path.stat().st_size else pa.table({})
            import pyarrow.csv as pc

            return pc.read_csv(path)
    raise InputError(f"{folder}: no {name} table ({name}.parquet, .jsonl or .csv); "
                     f"is it the --out folder of a finished framing score run?")
