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
        return csv.excel
    return type("Sniffed", (csv.excel,), {"delimiter": delimiter})


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
        for row in reader:
            where = f"{path}:{reader.line_num}"
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
                docs.append(AnnotatedDocument(row.get("id") or str(reader.line_num), text, where,
                                              units=[UnitLabels(0, len(text), labels)], has_spans=False))
    return Imported(str(path), "csv", docs, problems, [path])


# ---- our JSONL ---------------------------------------------------------------------
