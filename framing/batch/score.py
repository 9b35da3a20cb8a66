"""``framing score``: score a whole corpus into tables, streaming, resumable and exactly-once.

Documents are read in a fixed order and scored ``chunk_size`` at a time. Each chunk's tables are
committed atomically (:func:`framing.batch.tables.write_chunk`) into ``OUT/chunks/``, and its
position range in the input is recorded inside it. Re-running the same command after a crash skips
the documents that committed chunks already hold and goes on; when every document is in, the chunks
are joined into ``OUT/documents|sentences|spans|errors.<format>`` and ``OUT/run.json`` is marked
complete. ``run.json`` also holds a fingerprint of the inputs, the model and the id/text fields, so
that a folder is never continued with other inputs.

Example:
    >>> summary = score_corpus(["news.jsonl"], "scores/", id_field="ID", text_field="content")  # doctest: +SKIP
    >>> summary["documents"], summary["errors"]  # doctest: +SKIP
    (2356, 0)
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from itertools import chain, islice
from pathlib import Path
from typing import TextIO

from framing.atomic import atomic_write
from framing.batch.lock import LOCK_NAME, run_lock
from framing.batch.tables import FORMATS, chunk_info, chunk_tables, committed_chunks, merge_chunks, write_chunk
from framing.data.corpus import CorpusDocument, corpus_files, count_documents, iter_documents
from framing.data.documents import InputError
from framing.errors import UsageError
from framing.labels import LabelSet
from framing.model_files import CONFIG_NAME, WEIGHTS_NAME
from framing.nn.precision import ENV_VAR as PRECISION_ENV
from framing.progress import Progress
from framing.record import RECORD_KEYS

ENGINES = ("local", "ray")
RUN_FILE = "run.json"
CHUNKS = "chunks"
DEFAULT_CHUNK_SIZE = 64  # documents per commit: about 2,500 news sentences; the peak RSS grows with it
# sentences per forward pass: on 2 cores 16 beat 32, 64 and 128 when batches were sorted by characters (107 against
# 93, 89, 81 sentences/s); sorted by token count, 16, 32 and 64 are within the machine's noise of each other
DEFAULT_BATCH_SIZE = 16
RAY_WINDOW_CHUNKS = 16  # chunks scored per Ray call: actor start-up (seconds each) stays a small share


def score_corpus(inputs: list[str], out: str | os.PathLike, model_dir: str | None = None,
                 batch_size: int = DEFAULT_BATCH_SIZE,
                 id_field: str = "id", text_field: str = "text", fmt: str = "parquet",
                 chunk_size: int = DEFAULT_CHUNK_SIZE, threads: int = 2, stream: TextIO | None = None,
                 interval: float = 30.0, engine: str = "local", address: str | None = None,
                 precision: str | None = None) -> dict:
    """Score every document of ``inputs`` into tables in ``out`` (resuming a run that stopped there).

    ``engine="ray"`` scores on Ray (:mod:`framing.batch.ray_engine`; ``address``: an existing cluster), the
    same tables committed the same way.

    ``precision`` forces an inference mode (:mod:`framing.nn.precision`; default ``$FRAMING_PRECISION``,
    else ``auto``). The mode is resolved once, here, and recorded in ``run.json``; a run is only continued
    in the mode it started in.

    Progress goes to ``stream`` (standard error): a bar with documents/s and ETA on a terminal, else a
    plain line every ``interval`` seconds. Returns ``run.json``'s contents (row counts per table).
    """
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if engine not in ENGINES:
        raise UsageError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    if batch_size < 1 or chunk_size < 1:
        raise UsageError(f"batch size and chunk size must be at least 1 (got {batch_size} and {chunk_size})")

    from framing.config import FramingConfig
    from framing.modeling import FramingModel, default_model_dir
    from framing.runtime import resolve

    place, mode = resolve(None, precision)  # (runtime, precision): framing.runtime
    folder = Path(model_dir) if model_dir else default_model_dir()
    # the model folder is checked before anything is written: a damaged one is a one-line error
    model = FramingModel.from_pretrained(folder, precision=mode) if engine != "ray" else None
    if model is None and (folder / CONFIG_NAME).is_file():
        FramingConfig.load(folder / CONFIG_NAME)
    fingerprint = run_fingerprint(inputs, folder, id_field, text_field)
    if Path(out).exists() and not Path(out).is_dir():
        raise InputError(f"{out}: exists and is not a framing score output folder; choose a new --out folder")
    # one run per folder: the second stops here, before it reads, writes or clears anything of the first
    with run_lock(out) as out:
        new_run = not (out / RUN_FILE).is_file()
        state = open_run(out, fingerprint, mode)
        state["runtime"] = model.runtime if model is not None else place  # recorded in run.json like the precision
        if state.get("complete"):
            return _already_complete(out, state, fmt)
        try:
            return _score_run(inputs, out, folder, model, state, batch_size, id_field, text_field, fmt, chunk_size,
                              threads, stream, interval, engine, address, mode)
        except BaseException:
            if new_run and not committed_chunks(out / CHUNKS):  # nothing to continue: leave no run behind
                _forget_run(out)
            raise


def _forget_run(out: Path) -> None:
    """Remove what :func:`open_run` wrote for a new run that committed nothing (the corrected rerun starts
    anew); :func:`~framing.batch.lock.run_lock` then removes ``out`` itself if it created it."""
    for path in (out / RUN_FILE, out / CHUNKS):
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        elif path.exists():
            path.unlink()


def unique_ids(documents: Iterator[CorpusDocument]) -> Iterator[CorpusDocument]:
    """Documents with an id seen before become error rows: the tables are joined on ``doc_id``, which is
    text, so ``1`` and ``"1"`` are the same id.

    Example:
        >>> docs = [CorpusDocument("1", "A."), CorpusDocument("2", "B."), CorpusDocument("1", "C.")]
        >>> [(d.doc_id, d.error) for d in unique_ids(iter(docs))][2]
        ('1', "duplicate id '1' (also document 1 of the input; ids are compared as text)")
    """
    seen: dict[str, int] = {}
    for n, doc in enumerate(documents, 1):
        first = seen.setdefault(doc.doc_id, n)
        if first != n:
            doc.text, doc.error = None, (f"duplicate id {doc.doc_id!r} (also document {first} of the input; "
                                         "ids are compared as text)")
        yield doc


def _score_run(inputs, out, folder, model, state, batch_size, id_field, text_field, fmt, chunk_size, threads,
               stream, interval, engine, address, mode) -> dict:
    import torch

    if engine == "ray":
        from framing.batch.ray_engine import RayScorer

        score = RayScorer(folder, batch_size, address, precision=mode)
        labels = score.labels
    else:
        torch.set_num_threads(threads)  # the cores are shared; more threads only contend
        labels = model.config.labelset

        def score(docs: list[CorpusDocument]) -> list:
            with torch.inference_mode():
                return [model.decode(s) for s in model.score_many([d.text for d in docs], batch_size=batch_size,
                                                                   workers=threads)]

    stream = stream or sys.stderr
    chunks = committed_chunks(out / CHUNKS)
    done = chunk_info(chunks[-1])["end"] if chunks else 0
    documents = islice(unique_ids(iter_documents(inputs, id_field, text_field)), done, None)
    # read one document before any output, so that an unreadable input fails with its one-line error alone
    documents = chain(list(islice(documents, 1)), documents)
    progress = Progress(count_documents(inputs, id_field), done, stream, interval)
    if done:
        progress.note(f"resuming {out}: {done:,} documents already committed in {len(chunks)} chunks")
    # Ray starts a pool of actors (each loading the model) per call, so it is handed many chunks at a
    # time; each chunk is still committed on its own
    window = chunk_size * (RAY_WINDOW_CHUNKS if engine == "ray" else 1)
    for scored in _batches(documents, window):
        results = score_batch(scored, score)
        for i in range(0, len(scored), chunk_size):
            batch = scored[i : i + chunk_size]
            tables = chunk_tables(batch, results[i : i + chunk_size], labels)
            info = {"start": done, "end": done + len(batch), "errors": len(tables["errors"])}
            write_chunk(out / CHUNKS / f"chunk-{len(chunks):06d}", tables, info)
            chunks.append(out / CHUNKS / f"chunk-{len(chunks):06d}")
            done += len(batch)
            progress.update(len(batch), len(tables["errors"]))
        release_memory()
    progress.close()
    return finish_run(out, fmt, state, labels)


def release_memory() -> None:
    """Hand freed heap memory back to the operating system (glibc's ``malloc_trim``).

    Tensors of a different shape in every batch fragment the heap: on the 10x AllSides corpus RSS rose from
    840 MB after the first chunk of 128 documents to 1,095 MB after the sixth without this; a trim after
    each of ten 16-document chunks brought it back to the loaded model's 445 MB every time.
    Elsewhere (not glibc) this does nothing.
    """
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    try:
        ctypes.CDLL(name).malloc_trim(0)
    except (OSError, AttributeError, TypeError):
        pass


def score_batch(docs: list[CorpusDocument], score: Callable[[list[CorpusDocument]], list]) -> list:
    """Results for ``docs`` in order (``None`` for a document with ``error``), scoring good ones together.

    When the batch fails, each document is scored alone, so one document the model cannot handle
    becomes an error row instead of stopping the run.
    """
    good = [d for d in docs if d.error is None]
    try:
        found = dict(zip(map(id, good), score(good))) if good else {}
    except Exception:
        found = {}
        for doc in good:
            try:
                found[id(doc)] = score([doc])[0]
            except Exception as e:  # recorded in the errors table with the reason
                doc.error = f"scoring failed ({type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''})"
    return [found.get(id(d)) if d.error is None else None for d in docs]


def _batches(items: Iterator, size: int) -> Iterator[list]:
    while batch := list(islice(items, size)):
        yield batch


def run_fingerprint(inputs: list[str], model_dir: Path, id_field: str, text_field: str) -> dict:
    """What makes two runs the same: each input's path, size and modification time, the model's
    weights and config (sha256), and the id and text fields."""
    files = []
    for name in inputs:
        path = Path(name).resolve()
        if not path.exists():
            raise InputError(f"{name}: no such file or folder")
        if not path.is_dir():
            members = [path]
        elif (path / "state.json").is_file():  # a saved dataset: every file is part of it
            members = sorted(p for p in path.rglob("*") if p.is_file())
        else:  # only the documents, so that an --out folder inside the corpus folder does not count
            members = corpus_files(path)
        digest = hashlib.sha256()
        for p in members:
            st = p.stat()
            digest.update(f"{p.relative_to(path) if path.is_dir() else p.name}\0{st.st_size}\0{st.st_mtime_ns}\n"
                          .encode())
        files.append({"path": str(path), "listing": digest.hexdigest()})
    model = hashlib.sha256()
    if (model_dir / CONFIG_NAME).is_file():
        # the records about a model change when it is re-evaluated, not what it predicts, so they do not stop
        # a run from continuing (they live in record.json; an older config.json still holds them)
        config = json.loads((model_dir / CONFIG_NAME).read_text(encoding="utf-8"))
        kept = {k: v for k, v in config.items() if k not in RECORD_KEYS}
        model.update(json.dumps(kept, sort_keys=True).encode())
    if (model_dir / WEIGHTS_NAME).is_file():
        with open(model_dir / WEIGHTS_NAME, "rb") as f:
            model.update(hashlib.file_digest(f, "sha256").digest())
    return {"inputs": files, "model": str(model_dir.resolve()), "model_sha256": model.hexdigest(),
            "id_field": id_field, "text_field": text_field}


def open_run(out: Path, fingerprint: dict, precision: str = "fp32") -> dict:
    """Start ``out`` (new or empty folder) or check that it holds a run of the same inputs, model and precision."""
    manifest = out / RUN_FILE
    if manifest.is_file():
        state = json.loads(manifest.read_text(encoding="utf-8"))
        differ = [key for key in fingerprint if state.get("fingerprint", {}).get(key) != fingerprint[key]]
        if differ:
            raise InputError(f"{out}: holds a framing score run of other {', '.join(differ)}; "
                             f"rerun with the same inputs and options to continue it, or choose a new --out folder")
        started = state.get("precision", "fp32")  # runs from before precision modes were fp32
        if started != precision and not state.get("complete"):
            raise InputError(f"{out}: this run started in {started} precision, not {precision}; "
                             f"continue it with --precision {started} (or {PRECISION_ENV}={started})")
        return state
    if out.exists() and (not out.is_dir() or any(p.name != LOCK_NAME for p in out.iterdir())):
        raise InputError(f"{out}: exists and is not a framing score output folder; choose a new --out folder")
    state = {"fingerprint": fingerprint, "precision": precision, "complete": False}
    out.mkdir(parents=True, exist_ok=True)
    _write_json(manifest, state)
    return state


def finish_run(out: Path, fmt: str, state: dict, labels: LabelSet) -> dict:
    """Join the committed chunks into the final tables, mark the run complete and drop the chunks.

    ``run.json`` then also names the span and sentence labels, which ``framing report`` reads.
    """
    chunks = committed_chunks(out / CHUNKS)
    expected = 0
    for chunk in chunks:  # chunks must tile the input with no gap or overlap
        info = chunk_info(chunk)
        if info["start"] != expected:
            raise InputError(f"{chunk}: covers documents from {info['start']}, expected {expected}; "
                             f"the chunks of {out} are inconsistent, so start again in a new --out folder")
        expected = info["end"]
    rows = merge_chunks(chunks, out, labels, fmt)
    state = {**state, "complete": True, "format": fmt, "input_documents": expected,
             "span_labels": list(labels.span_labels), "sentence_labels": list(labels.sentence_labels),
             "documents": rows.get("documents", 0), "errors": rows.get("errors", 0),
             "sentences": rows.get("sentences", 0), "spans": rows.get("spans", 0)}
    _write_json(out / RUN_FILE, state)
    shutil.rmtree(out / CHUNKS, ignore_errors=True)
    return state


def _already_complete(out: Path, state: dict, fmt: str) -> dict:
    if state.get("format") != fmt:
        raise InputError(f"{out}: this run is already complete in {state.get('format')} format; "
                         f"choose a new --out folder for {fmt}")
    return state


def _write_json(path: Path, data: dict) -> None:
    atomic_write(path, json.dumps(data, indent=1) + "\n")


