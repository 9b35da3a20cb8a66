"""``framing score --engine ray``: the same scoring on Ray Data, from one machine to a cluster.

The run itself (reading, chunked atomic commits, resuming, the tables) is the local engine's
(:func:`framing.batch.score.score_corpus`); only the scoring of each chunk moves to Ray. A chunk's
documents become a Ray dataset, and ``map_batches`` sends them to a pool of actors, each of which
loads the model once and scores whole batches of documents with :meth:`FramingModel.score_many`.
The model folder's files travel with the actors, so worker nodes need ``framing`` installed but not
the folder.

Each actor asks Ray for half a CPU and runs torch on one thread. With Ray 2.60 an actor pool that
reserved one whole CPU per actor on a 2-core machine left no CPU for Ray Data's own tasks and the
run hung; half a CPU per actor leaves room for them while the actors still keep every core busy.

Example:
    >>> scorer = RayScorer("models/framing-default", address="ray://head:10001")  # doctest: +SKIP
    >>> results = scorer(documents)  # DocumentResult per CorpusDocument, in order  # doctest: +SKIP
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from framing.data.corpus import CorpusDocument
from framing.errors import ModelFolderError, UsageError
from framing.model_files import CONFIG_NAME, INFERENCE_FILES
from framing.pipeline.results import DocumentResult, Sentence, Span

CPUS_PER_ACTOR = 0.5
DOCS_PER_BATCH = 8  # documents per actor call; their sentences are batched together by token count


def scoring_error(e: BaseException) -> str:
    """The errors table's reason for a document the model failed on."""
    first = str(e).splitlines()[0] if str(e) else ""
    return f"scoring failed ({type(e).__name__}: {first})"


class _ScoreActor:
    """A Ray actor: loads the model once from the shipped files, then scores batches of documents."""

    def __init__(self, files: dict[str, bytes], batch_size: int, precision: str = "fp32") -> None:
        import torch

        from framing.modeling import FramingModel

        torch.set_num_threads(1)  # one thread per actor: actors, not threads, share out the cores
        folder = Path(tempfile.mkdtemp(prefix="framing-model-"))
        for name, data in files.items():
            (folder / name).write_bytes(data)
        self.model = FramingModel.from_pretrained(folder, precision=precision)
        self.batch_size = batch_size

    def _score(self, texts: list[str]) -> list[str]:
        import torch

        with torch.inference_mode():
            scores = self.model.score_many(texts, batch_size=self.batch_size)
        return [json.dumps(self.model.decode(s).to_dict()) for s in scores]

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        texts = [str(t) for t in batch["text"]]
        try:
            results, errors = self._score(texts), [""] * len(texts)
        except Exception:  # one bad document must not fail its batch: score them one by one
            results, errors = [], []
            for text in texts:
                try:
                    results.append(self._score([text])[0])
                    errors.append("")
                except Exception as e:
                    results.append("")
                    errors.append(scoring_error(e))
        return {"index": batch["index"], "result": np.array(results, dtype=object),
                "error": np.array(errors, dtype=object)}


def _result(text: str, data: dict) -> DocumentResult:
    return DocumentResult(text, [Sentence(**s) for s in data["sentences"]], [Span(**s) for s in data["spans"]])


class RayScorer:
    """Score lists of documents on Ray: ``scorer(docs)`` returns one ``DocumentResult`` per document.

    Connects to the Ray cluster at ``address`` (``None``: ``$RAY_ADDRESS``, else a local Ray on this
    machine), unless Ray is already initialised in this process. ``precision`` (:mod:`framing.nn.precision`) is
    resolved on this machine and every actor runs that mode. ``actors`` defaults to one per CPU of
    the cluster, each reserving ``CPUS_PER_ACTOR`` and running torch on one thread.
    A document the model fails on gets ``doc.error`` set and ``None`` as its result.
    """

    def __init__(self, model_dir: str | os.PathLike, batch_size: int = 32, address: str | None = None,
                 actors: int | None = None, docs_per_batch: int = DOCS_PER_BATCH,
                 precision: str | None = None) -> None:
        try:
            import ray
        except ImportError:
            raise UsageError("--engine ray needs Ray Data: pip install 'framing[ray]' (ray[data])") from None

        from framing.config import FramingConfig
        from framing.nn.precision import resolve

        folder = Path(model_dir)
        missing = [name for name in INFERENCE_FILES if not (folder / name).is_file()]
        if missing:
            raise ModelFolderError(f"{folder}: not a framing model folder (needs {', '.join(missing)})")
        self.labels = FramingConfig.load(folder / CONFIG_NAME).labelset
        self.files = {name: (folder / name).read_bytes() for name in INFERENCE_FILES}
        if not ray.is_initialized():
            ray.init(address=address, include_dashboard=False, log_to_driver=False)
        self.actors = actors or max(1, int(ray.cluster_resources().get("CPU", 1)))
        self.batch_size, self.docs_per_batch = batch_size, docs_per_batch
        # resolved here, once, so that every actor runs (and run.json records) the same mode
        self.precision = resolve(precision)

    def __call__(self, docs: Sequence[CorpusDocument]) -> list[DocumentResult | None]:
        import ray

        if not docs:
            return []
        ray.data.DataContext.get_current().enable_progress_bars = False  # framing score shows its own
        items = [{"index": i, "text": d.text} for i, d in enumerate(docs)]
        ds = ray.data.from_items(items).map_batches(
            _ScoreActor, fn_constructor_kwargs={"files": self.files, "batch_size": self.batch_size,
                                                       "precision": self.precision},
            batch_size=self.docs_per_batch, num_cpus=CPUS_PER_ACTOR,
            compute=ray.data.ActorPoolStrategy(size=min(self.actors, len(items))))
        rows = sorted(ds.take_all(), key=lambda r: int(r["index"]))
        if [int(r["index"]) for r in rows] != list(range(len(docs))):
            raise RuntimeError(f"Ray returned {len(rows)} results for {len(docs)} documents")
        out: list[DocumentResult | None] = []
        for doc, row in zip(docs, rows):
            if row["error"]:
                doc.error = str(row["error"])
                out.append(None)
            else:
                out.append(_result(doc.text, json.loads(row["result"])))
        return out
