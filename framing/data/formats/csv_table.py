"""CSV, one text per row: ``text``, optional ``id``, a ``labels`` column or one 0/1 column per label."""

from __future__ import annotations

import csv
from pathlib import Path

from framing.data.annotated import AnnotatedDocument, AnnotationFormatError, Imported, Problem, UnitLabels

_TRUE, _FALSE = {"1", "true", "yes", "y"}, {"0", "false", "no", "n", ""}


def _sniff(path: Path) -> type[csv.Dialect]:
    """Excel's CSV dialect with the header's delimiter: the sniffer guesses quoting rules from the
    header alone, which has no quotes, and would then garble texts with doubled quotes (``""no""``)."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        head = f.readline()
    try:
        delimiter = csv.Sniffer().sniff(head, delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    # strict: a quote that is never closed is an error, instead of a field that swallows the rows after it
    return type("Sniffed", (csv.excel,), {"delimiter": delimiter, "strict": True})


def _rows(reader: csv.DictReader, path: Path):
    """``(line, row)`` for each row, ``line`` where the row starts; a broken quote raises, naming that line."""
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            raise AnnotationFormatError(f"{path}:{start}: a quoted field that starts on this line is not closed "
                                        f"properly (csv: {e}); close the quote, and write a quote inside a quoted "
                                        'text as two ("")') from None
        yield start, row


def read_csv(path: Path) -> Imported:
    """One text per row with sentence labels: a ``labels`` column (names separated by ``|``, ``;``
    or ``,``) or one column per label holding 1/0 (also true/false, yes/no; empty is 0)."""
    problems: list[Problem] = []
    docs = []
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f, dialect=_sniff(path))
        columns = reader.fieldnames or []
        if "text" not in columns:
            raise AnnotationFormatError(f"{path}:1: no 'text' column (columns: {', '.join(columns) or 'none'})")
        label_columns = [c for c in columns if c not in ("text", "id", "labels")]
        for line, row in _rows(reader, path):
            where = f"{path}:{line}"
            if None in row or None in row.values():  # DictReader's marks of extra and missing fields
                problems.append(Problem(where, f"{'more' if None in row else 'fewer'} fields than the header's "
                                        f"{len(columns)}"))
                continue
            text = row["text"] or ""
            labels: dict[str, int] = {}
            if "labels" in columns:
                raw = (row["labels"] or "").replace(";", "|").replace(",", "|")
                labels |= {x.strip(): 1 for x in raw.split("|") if x.strip()}
            bad = False
            for c in label_columns:
                value = (row[c] or "").strip().lower()
                if value not in _TRUE | _FALSE:
                    problems.append(Problem(where, f"column {c!r} must be 1 or 0 (or true/false, yes/no), "
                                            f"got {row[c]!r}"))
                    bad = True
                labels[c] = int(value in _TRUE)
            if not bad:
                docs.append(AnnotatedDocument(row.get("id") or str(line), text, where,
                                              units=[UnitLabels(0, len(text), labels)], has_spans=False))
    return Imported(str(path), "csv", docs, problems, [path])


# ---- our JSONL ---------------------------------------------------------------------
