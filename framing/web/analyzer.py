"""The loaded model behind one scoring thread, shared fairly by the web app's requests.

A request's text is prepared (segmented, quotes found) in the request's own thread; the scoring thread
then takes turns. Each turn scores at most ``turn_sentences`` sentences: up to one batch of the oldest
request (so that it always moves on), the rest taken first from the requests with the fewest sentences left, so a
one-sentence draft waits for at most one turn of a long request instead of all of it: before, one
200,000-character request made a small one wait 6.4 s. Requests that
wait together share a turn's encoder batches, which serves many clients faster than taking turns one
request at a time. The last scored texts are cached, so moving the sensitivity slider decodes again
without running the encoder.

Example:
    >>> analyzer = Analyzer(FramingModel.from_pretrained())  # doctest: +SKIP
    >>> analyzer.analyze('Russian "peacekeepers" left.')["spans"][0]["label"]  # doctest: +SKIP
    'SCARE_QUOTE'
"""

from __future__ import annotations

import hashlib
import queue
import threading
from collections import OrderedDict
from concurrent.futures import Future
from dataclasses import dataclass, field

from framing.errors import UsageError
from framing.modeling import FramingModel
from framing.pipeline.prepared import PreparedDocument, prepare_document
from framing.pipeline.scores import DocumentScores, SentenceScores

BATCH_SIZE = 32  # sentences per encoder pass, as FramingModel.score_many
# Sentences per turn: two encoder passes. Behind a 200,000-character request, a one-sentence one waited 0.4-1.2 s
# with 64 and 0.7-1.3 s with 128 (the default model on the two shared, busy cores), 10.2 s without turns. A multiple
# of BATCH_SIZE, so that a request scored alone gets the same batches, and the same scores, as predict().
TURN_SENTENCES = 2 * BATCH_SIZE


@dataclass
class _Job:
    doc: PreparedDocument
    order: list[int]  # its sentences fewest tokens first: the order score_many runs them in
    encodings: list  # each sentence's tokens, made in the request's thread and not again by the scorer
    future: Future = field(default_factory=Future)
    scored: dict[int, SentenceScores] = field(default_factory=dict)
    taken: int = 0  # how many of ``order`` have been handed to a turn

    @property
    def left(self) -> int:
        return len(self.order) - self.taken


class Analyzer:
    """Scores the requests' texts with one model, in turns of at most ``turn_sentences`` sentences."""

    def __init__(self, model: FramingModel, cache_size: int = 32, turn_sentences: int = TURN_SENTENCES,
                 batch_size: int = BATCH_SIZE) -> None:
        if turn_sentences < 1 or batch_size < 1:
            raise UsageError(f"turn_sentences and batch_size must be at least 1, got {turn_sentences} and "
                             f"{batch_size}")
        self.model = model
        self._cache: OrderedDict[str, DocumentScores] = OrderedDict()
        self._cache_size = cache_size
        self._cache_lock = threading.Lock()
        self._turn, self._batch = turn_sentences, batch_size
        self._queue: queue.Queue[_Job] = queue.Queue()
        threading.Thread(target=self._work, name="framing-scorer", daemon=True).start()

    def thresholds(self, sensitivity: float) -> dict[str, float]:
        return self.model.thresholds_at(sensitivity)

    def analyze(self, text: str, sensitivity: float = 0.0) -> dict:
        thresholds = self.thresholds(sensitivity)
        result = self.model.decode(self._scores(text), thresholds)
        return {**result.to_dict(), "thresholds": thresholds}

    def _scores(self, text: str) -> DocumentScores:
        key = hashlib.sha256(text.encode("utf-8")).hexdigest()
        with self._cache_lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        doc = prepare_document(text)  # here, in the request's thread: the scoring thread only scores
        order, encodings = self.model.by_token_count([doc.sentence_text(k) for k in range(len(doc.sentences))])
        job = _Job(doc, order, encodings)
        if job.order:
            self._queue.put(job)
        else:
            job.future.set_result(DocumentScores(text, []))
        scores = job.future.result()
        with self._cache_lock:
            self._cache[key] = scores
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return scores

    def _work(self) -> None:
        pending: list[_Job] = []
        while True:
            if not pending:
                pending.append(self._queue.get())
            while True:  # whatever arrived during the last turn joins this one
                try:
                    pending.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            turn = self._take(pending)
            items = [(job.doc, k) for job, ks in turn for k in ks]
            encodings = [job.encodings[k] for job, ks in turn for k in ks]
            try:
                scores = iter(self.model.score_sentences(items, self._batch, encodings=encodings))
            except Exception as e:  # the requests in this turn report it; the others and the worker go on
                for job, _ in turn:
                    job.future.set_exception(e)
                pending = [job for job in pending if all(job is not j for j, _ in turn)]
                continue
            for job, ks in turn:
                job.scored.update(zip(ks, scores))
            for job in pending:
                if len(job.scored) == len(job.order):
                    job.future.set_result(DocumentScores(job.doc.text, [job.scored[k] for k in
                                                                        range(len(job.order))]))
            pending = [job for job in pending if len(job.scored) < len(job.order)]

    def _take(self, pending: list[_Job]) -> list[tuple[_Job, list[int]]]:
        """This turn's sentences, up to ``turn_sentences``: one batch (at most half the turn) for the oldest
        request (``pending`` is in arrival order), so that a stream of small requests never starves it, then
        the fewest left first."""
        oldest = pending[0]
        share = {id(oldest): min(self._batch, self._turn // 2, oldest.left)}
        room = self._turn - share[id(oldest)]
        for job in sorted(pending, key=lambda j: j.left):  # stable: among equals, first come first served
            more = min(room, job.left - share.get(id(job), 0))
            share[id(job)] = share.get(id(job), 0) + more
            room -= more
        turn = []
        for job in pending:
            n = share.get(id(job), 0)
            if n:
                turn.append((job, job.order[job.taken : job.taken + n]))
                job.taken += n
        return turn
