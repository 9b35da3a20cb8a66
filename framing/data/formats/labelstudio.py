"""Label Studio JSON exports: span ``labels`` results and ``choices``; UTF-16 offsets converted."""

from __future__ import annotations

import json
from pathlib import Path

from framing.data.annotated import (
    AnnotatedDocument,
    AnnotationFormatError,
    Imported,
    Problem,
    SpanAnnotation,
    UnitLabels,
    _int,
    _python_offset,
)
from framing.data.shared_corpora import read_text
from framing.errors import DataError
from framing.guards import load_json


def _labelstudio_text(data: dict) -> str | None:
    if isinstance(data.get("text"), str):
        return data["text"]
    strings = [v for v in data.values() if isinstance(v, str)]
    return strings[0] if len(strings) == 1 else None


def read_labelstudio(path: Path) -> Imported:
    """A Label Studio JSON export (a list of tasks, each with ``data`` and ``annotations``).

    The first annotation that was not cancelled is used. A ``choices`` result without
    ``start``/``end`` labels the whole text; with them (per-region choices), that stretch.
    """
    problems: list[Problem] = []
    try:
        tasks = load_json(read_text(path).lstrip("\ufeff"), str(path))
    except json.JSONDecodeError as e:
        raise AnnotationFormatError(f"{path}:{e.lineno}: not valid JSON ({e.msg})") from None
    except DataError as e:
        raise AnnotationFormatError(str(e)) from None
    if not isinstance(tasks, list):
        raise AnnotationFormatError(f"{path}: a Label Studio export is a JSON list of tasks")
    docs = []
    for n, task in enumerate(tasks, 1):
        where = f"{path}: task {n}" + (f" (id {task['id']})" if isinstance(task, dict) and "id" in task else "")
        if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
            problems.append(Problem(where, "not a task object with 'data'"))
            continue
        text = _labelstudio_text(task["data"])
        if "text" in task["data"] and not isinstance(task["data"]["text"], str):
            problems.append(Problem(where, f"data.text must be a string, got {type(task['data']['text']).__name__}"))
            continue
        if text is None:
            problems.append(Problem(where, "data has no 'text' field (found: "
                                    f"{', '.join(sorted(task['data'])) or 'nothing'})"))
            continue
        annotations = task.get("annotations") or []
        if not isinstance(annotations, list):
            problems.append(Problem(where, f"'annotations' must be a list, got {type(annotations).__name__}"))
            continue
        done = [a for a in annotations if isinstance(a, dict) and not a.get("was_cancelled")]
        if not done:
            problems.append(Problem(where, "no annotation (skipped)", fatal=False))
            continue
        doc = AnnotatedDocument(str(task.get("id", n)), text, where, units=[])
        doc_labels: dict[str, int] = {}
        astral = any(ord(ch) > 0xFFFF for ch in text)  # only then do UTF-16 and str offsets differ
        results = done[0].get("result") or []
        if not isinstance(results, list):
            problems.append(Problem(where, f"the annotation's 'result' must be a list, got {type(results).__name__}"))
            continue
        for k, result in enumerate(results, 1):
            here = f"{where} result {k}"
            value = result.get("value") if isinstance(result, dict) else None
            kind = result.get("type") if isinstance(result, dict) else None
            if kind not in ("labels", "choices") or not isinstance(value, dict):
                if kind != "relation":
                    problems.append(Problem(here, f"result of type {kind!r} ignored (only 'labels' and 'choices' "
                                            "are read)", fatal=False))
                continue
            names = value.get(kind)
            if not isinstance(names, list) or not all(isinstance(x, str) for x in names):
                problems.append(Problem(here, f"value.{kind} must be a list of label names"))
                continue
            has_range = "start" in value or "end" in value
            if kind == "choices" and not has_range:
                doc_labels.update({x: 1 for x in names})
                continue
            try:
                start, end = _int(value.get("start")), _int(value.get("end"))
            except ValueError as e:
                problems.append(Problem(here, f"start/end: {e}"))
                continue
            quoted = value.get("text")
            # Label Studio counts UTF-16 code units, as browsers do; other tools may write str offsets
            candidates = [(start, end)]
            if astral:
                candidates.insert(0, (_python_offset(text, start), _python_offset(text, end)))
            if isinstance(quoted, str):
                fitting = [(s, e) for s, e in candidates if text[s:e] == quoted]
                if not fitting:
                    problems.append(Problem(here, f"span {start}-{end}: the export says {quoted!r} but the text "
                                            f"there is {text[start:end]!r}"))
                    continue
                candidates = fitting
            start, end = candidates[0]
            if kind == "labels":
                doc.spans += [SpanAnnotation(start, end, x, here) for x in names]
            else:
                doc.units.append(UnitLabels(start, end, {x: 1 for x in names}))
        if not doc.units or doc_labels:
            doc.units.insert(0, UnitLabels(0, len(text), doc_labels))
        docs.append(doc)
    return Imported(str(path), "labelstudio", docs, problems, [path])


# ---- doccano -----------------------------------------------------------------------
