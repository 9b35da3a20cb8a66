"""``FramingModel``: load, run and save a framing model. Every front end (CLI, batch, web) calls this.

Example:
    >>> model = FramingModel.from_pretrained()  # doctest: +SKIP
    >>> result = model.predict('Russian "peacekeepers" left the region.')  # doctest: +SKIP
    >>> [(s.text, s.label) for s in result.spans]  # doctest: +SKIP
    [('peacekeepers', 'SCARE_QUOTE')]
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from framing import runtime as runtimes
from framing.atomic import atomic_file, atomic_write
from framing.config import FramingConfig
from framing.errors import ModelFolderError, UsageError
from framing.model_files import CARD_NAME, CONFIG_NAME, LABELS_NAME, SEEN_NAME, WEIGHTS_NAME, default_model_dir
from framing.nn import precision as precision_modes
from framing.nn.base_model import BASE_MODEL_NAME, base_model_dir
from framing.pipeline.decode import unit_scores
from framing.pipeline.encode import batch_arrays, load_tokenizer, token_count_order
from framing.pipeline.prepared import PreparedDocument, prepare_document
from framing.pipeline.quotes import Quote
from framing.pipeline.results import DocumentResult
from framing.pipeline.scores import DocumentScores, SentenceScores, decode_document
from framing.record import ModelRecord, read_seen

if TYPE_CHECKING:
    import torch
    from tokenizers import Encoding

    from framing.nn.network import FramingNetwork
    from framing.nn.onnx_runtime import OnnxEngine

SENSITIVITY_STEP = 0.25  # threshold shift per unit of sensitivity




class FramingModel:
    """A framing model: the base encoder with LoRA adapters, a casing embedding and three heads."""

    def __init__(self, network: FramingNetwork | None, tokenizer, config: FramingConfig,
                 frozen_state: dict[str, torch.Tensor] | None = None, onnx: OnnxEngine | None = None) -> None:
        self.network = network  # None on the onnx runtime, which runs ``onnx`` instead
        self.onnx = onnx
        self.runtime = "onnx" if onnx is not None else "torch"  # see framing.runtime
        self.precision = "fp32"  # set by from_pretrained (framing.nn.precision)
        self.tokenizer = tokenizer
        self.config = config
        self._merged = False
        # A model loaded for inference has its adapters folded into plain weights; this keeps
        # the saved adapter weights so that save_pretrained still writes the same format.
        self._frozen_state = frozen_state
        self.seen: dict[str, list[str]] = {}  # {"train": [fingerprint, ...], "tune": [...]}
        self.record = ModelRecord()  # training and evaluation records, rendered into the model card

    # ---- building, loading, saving -------------------------------------------------
    @classmethod
    def from_base(cls, config: FramingConfig | None = None) -> FramingModel:
        """A new, untrained model around the base encoder (or ``config.encoder_config``'s random one).

        This is the training path: ``transformers``' BERT wrapped with ``peft`` LoRA adapters.
        """
        from peft import LoraConfig, get_peft_model  # training only: slow imports
        from transformers import BertConfig, BertModel
        from transformers.utils import logging as hf_logging

        from framing.nn.network import FramingNetwork

        config = config or FramingConfig()
        folder = base_model_dir()
        # the expected "pooler unexpected" load report and progress bars are noise for users
        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
        if config.encoder_config is None:
            encoder = BertModel.from_pretrained(folder, add_pooling_layer=False, local_files_only=True)
            config.base_model = BASE_MODEL_NAME
        else:
            encoder = BertModel(BertConfig(**config.encoder_config), add_pooling_layer=False)
        lora = LoraConfig(r=config.lora_rank, lora_alpha=config.lora_alpha, lora_dropout=0.1,
                          target_modules=list(config.lora_targets))
        encoder = get_peft_model(encoder, lora)
        labels = config.labelset
        network = FramingNetwork(encoder, len(labels.tagged_labels), len(labels.sentence_labels),
                                 len(config.quote_classes))
        if config.encoder_config is not None:
            # a random test encoder is trained in full; the shipped base only through LoRA
            for p in network.parameters():
                p.requires_grad = True
        return cls(network, load_tokenizer(folder, config.max_length), config)

    @classmethod
    def from_pretrained(cls, path: str | os.PathLike | None = None, for_training: bool = False,
                        quantize: bool = False, precision: str | None = None, runtime: str | None = None,
                        one_shot: bool = False) -> FramingModel:
        """Load a saved model; with no ``path``, the shipped default model.

        For inference (the default) the LoRA adapters are folded into the encoder's weights and
        the encoder runs on plain torch, which keeps a cold start fast; ``for_training=True``
        rebuilds the ``peft`` model so that training can go on (always in fp32).

        ``precision`` is the inference mode (:mod:`framing.nn.precision`): ``auto`` (the default,
        or ``$FRAMING_PRECISION``) runs the encoder in bf16 where the CPU supports bf16 natively and
        in fp32 elsewhere; ``fp32``, ``bf16`` or ``int8`` force one. The mode in use is
        ``model.precision``. ``int8`` (dynamic quantisation; ``quantize=True`` is the same) is for
        experiments: up to 2.3 dev-F1 points lower for the default model (its model card), so
        ``auto`` never picks it. ``save_pretrained`` always writes the original weights.

        ``runtime`` (``torch``, ``onnx`` or ``auto``; default ``$FRAMING_RUNTIME``, else ``auto``) and
        ``one_shot`` (a command that scores one document and exits, ``framing check``) choose where
        the network runs (:mod:`framing.runtime`): ``onnx`` runs the fp32 graph of
        :mod:`framing.nn.onnx_runtime` (built once into a local cache), with no torch import at all.
        The runtime in use is ``model.runtime``.

        Example:
            >>> FramingModel.from_pretrained().config.labelset.span_labels[0]  # doctest: +SKIP
            'SCARE_QUOTE'
        """
        folder = Path(path) if path is not None else default_model_dir()
        if not (folder / CONFIG_NAME).is_file() or not (folder / WEIGHTS_NAME).is_file():
            raise ModelFolderError(f"{folder}: not a framing model folder (needs {CONFIG_NAME} and {WEIGHTS_NAME})")
        if quantize and for_training:
            raise UsageError("quantize=True is for inference; an int8 model cannot be trained (drop for_training)")
        if quantize and precision not in (None, "int8"):
            raise UsageError(f"quantize=True is precision='int8'; it cannot be combined with precision={precision!r}")
        if for_training and precision not in (None, "auto", "fp32"):
            raise UsageError(f"precision={precision!r} is for inference; training runs in fp32 (drop precision)")
        if for_training or quantize:
            place, mode = runtimes.resolve("torch" if runtime is None else runtime, "fp32" if for_training else "int8")
        else:
            place, mode = runtimes.resolve(runtime, precision, one_shot=one_shot)
        config = FramingConfig.load(folder / CONFIG_NAME)
        if place == "onnx":
            from framing.nn.onnx_runtime import load_engine

            # None (with a note why) where the graph cannot be had; built from the torch network where missing
            engine = load_engine(folder, config, lambda: cls.torch_network(folder))
            if engine is not None:
                model = cls(None, load_tokenizer(base_model_dir(), config.max_length), config, onnx=engine)
                model.seen = read_seen(folder)
                model.record = ModelRecord.load(folder)
                return model
        from safetensors.torch import load_file

        weights = folder / WEIGHTS_NAME
        try:
            state = load_file(weights)
        except Exception as e:  # safetensors raises its own error types for truncated or garbage files
            raise ModelFolderError(f"{weights}: not a readable safetensors file "
                                   f"({str(e).splitlines()[0][:120] if str(e) else type(e).__name__})") from None
        try:
            model = cls._folded(config, state, weights) if not for_training else cls.from_base(config)
        except (KeyError, RuntimeError, ValueError, TypeError, IndexError) as e:
            if isinstance(e, ModelFolderError):
                raise
            raise ModelFolderError(f"{weights}: the weights do not fit {folder / CONFIG_NAME} "
                                   f"({str(e).splitlines()[0][:160]})") from None
        if not for_training:
            precision_modes.apply(model.network, mode)
            model.precision = mode
        model.seen = read_seen(folder)
        model.record = ModelRecord.load(folder)
        if not for_training:
            return model
        expected = model._saved_keys()
        missing, unexpected = expected - state.keys(), state.keys() - expected
        if missing or unexpected:
            raise ModelFolderError(f"{folder / WEIGHTS_NAME}: weights do not fit the config "
                             f"(missing {sorted(missing)[:3]}, unexpected {sorted(unexpected)[:3]})")
        try:
            model.network.load_state_dict(state, strict=False)
        except RuntimeError as e:
            raise ModelFolderError(f"{weights}: the weights do not fit {folder / CONFIG_NAME} "
                                   f"({str(e).splitlines()[0][:160]})") from None
        model.network.eval()
        return model

    @classmethod
    def _folded(cls, config: FramingConfig, state: dict[str, torch.Tensor], source: Path) -> FramingModel:
        from framing.nn.torch_runtime import folded_network

        network = folded_network(config, state, source)
        return cls(network, load_tokenizer(base_model_dir(), config.max_length), config, frozen_state=state)

    @classmethod
    def torch_network(cls, folder: Path) -> FramingNetwork:
        """The fp32 torch network of the model in ``folder`` (what the onnx runtime's graph is traced from)."""
        return cls.from_pretrained(folder, runtime="torch", precision="fp32").network

    def _one_thread_each(self):
        """Worker threads of :meth:`score_sentences` each run on one thread (torch's; an ONNX session keeps its own)."""
        if self.network is None:
            return nullcontext()
        from framing.nn.torch_context import torch_threads

        return torch_threads(1)

    def _saved_keys(self) -> set[str]:
        return {n for n, p in self.network.named_parameters() if p.requires_grad}

    def save_pretrained(self, directory: str | os.PathLike, card: str | None = None) -> None:
        """Write config, label set, the trained weights (LoRA, casing, heads), the record (if any), the
        documents seen and the model card (rendered from config and record unless ``card`` is given)."""
        from safetensors.torch import save_file

        from framing.model_card import render_card

        if self.network is None:
            raise UsageError("a model loaded on the onnx runtime cannot be saved; load it on torch "
                             "(runtime='torch', or FRAMING_RUNTIME=torch)")
        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        if self._frozen_state is not None:
            state = self._frozen_state
        else:
            self._unmerge()
            keys = self._saved_keys()
            state = {n: p.detach().cpu().contiguous() for n, p in self.network.named_parameters() if n in keys}
        with atomic_file(folder / WEIGHTS_NAME) as tmp:  # evaluate --update-model saves over the folder it read
            save_file(state, tmp)
        self.config.save(folder / CONFIG_NAME)
        self.config.labelset.save(folder / LABELS_NAME)
        if self.record:
            self.record.save(folder)
        atomic_write(folder / CARD_NAME, card or render_card(self.config, self.record))
        if self.seen:
            atomic_write(folder / SEEN_NAME, json.dumps(self.seen) + "\n")

    def _merge(self) -> None:
        if not self._merged and self._frozen_state is None:
            self.network.encoder.merge_adapter()  # one plain matmul per layer at inference
            self._merged = True

    def _unmerge(self) -> None:
        if self._merged:
            self.network.encoder.unmerge_adapter()
            self._merged = False

    def train(self) -> None:
        """Put the network in training mode (adapters unmerged)."""
        if self._frozen_state is not None:
            raise RuntimeError("this model was loaded for inference; load it with "
                               "FramingModel.from_pretrained(path, for_training=True) to train it")
        self._unmerge()
        self.network.train()

    # ---- prediction -----------------------------------------------------------------
    def predict(self, text: str, sensitivity: float = 0.0,
                progress: Callable[[int, int], None] | None = None) -> DocumentResult:
        """Find framing devices in one document (at :meth:`thresholds_at` ``sensitivity``; 0: the tuned ones).

        ``progress(done, total)`` is called with the sentences scored so far after each batch (see
        :func:`framing.progress.sentence_progress`).

        Example:
            >>> r = FramingModel.from_pretrained().predict('The "experts" were wrong.')  # doctest: +SKIP
            >>> r.spans[0].text  # doctest: +SKIP
            'experts'
        """
        scores = self.score_many([text], progress=progress)[0]
        return self.decode(scores, self.thresholds_at(sensitivity) if sensitivity else None)

    def predict_many(self, texts: Sequence[str], batch_size: int = 32) -> list[DocumentResult]:
        """Find framing devices in many documents, batching sentences across documents by token count."""
        return [self.decode(s) for s in self.score_many(texts, batch_size=batch_size)]

    def thresholds_at(self, sensitivity: float = 0.0) -> dict[str, float]:
        """The thresholds at a sensitivity in [-1, 1] (the page's slider, ``framing check --sensitivity``):
        every threshold moves by ``SENSITIVITY_STEP`` per unit, down for more flags, kept within [0.02, 0.98].

        Example:
            >>> FramingModel.from_pretrained().thresholds_at(1.0)["BIASED"]  # doctest: +SKIP
            0.25
        """
        shift = SENSITIVITY_STEP * sensitivity
        return {k: round(min(0.98, max(0.02, v - shift)), 4) for k, v in self.config.thresholds.items()}

    def decode(self, scores: DocumentScores, thresholds: dict[str, float] | None = None) -> DocumentResult:
        """Flags of scored document at the model's thresholds (or at ``thresholds``)."""
        cfg = self.config
        return decode_document(scores, cfg.labelset, cfg.quote_classes, thresholds or cfg.thresholds)

    def score_many(self, texts: Sequence[str], batch_size: int = 32,
                   sentences: Sequence[list[tuple[int, int]] | None] | None = None,
                   workers: int = 1, progress: Callable[[int, int], None] | None = None) -> list[DocumentScores]:
        """Raw probabilities for many documents (see :mod:`framing.pipeline.scores`), without thresholds.

        ``sentences`` optionally gives each document's sentence boundaries (``None`` entries are
        segmented as usual), e.g. to score a corpus of single sentences as they were annotated.
        Sentences of all documents are scored together by :meth:`score_sentences`.

        Example:
            >>> s = FramingModel.from_pretrained().score_many(["One. Two."])[0]  # doctest: +SKIP
            >>> [(x.start, x.end) for x in s.sentences]  # doctest: +SKIP
            [(0, 4), (5, 9)]
        """
        given = sentences if sentences is not None else [None] * len(texts)
        docs = [prepare_document(t, b) for t, b in zip(texts, given)]
        items = [(doc, k) for doc in docs for k in range(len(doc.sentences))]
        scored = iter(self.score_sentences(items, batch_size, workers, progress))
        return [DocumentScores(doc.text, [next(scored) for _ in doc.sentences]) for doc in docs]

    def score_sentences(self, items: Sequence[tuple[PreparedDocument, int]], batch_size: int = 32,
                        workers: int = 1, progress: Callable[[int, int], None] | None = None,
                        encodings: Sequence[Encoding] | None = None) -> list[SentenceScores]:
        """The scores of sentence ``k`` of each ``(document, k)`` in ``items``, in that order.

        The sentences are sorted by token count and run ``batch_size`` at a time (almost no padding);
        ``encodings`` (from :meth:`by_token_count`) spare a caller who has tokenised them already. ``workers > 1``
        runs that many batches at once, each on one torch thread: on small batches this keeps the cores busier
        than torch's own threads, which wait for each other after every operation (the results are the same).
        ``progress(done, total)`` is called after each batch.

        Example:
            >>> from framing.pipeline.prepared import prepare_document  # doctest: +SKIP
            >>> doc = prepare_document("One. Two.")  # doctest: +SKIP
            >>> [s.start for s in FramingModel.from_pretrained().score_sentences([(doc, 1)])]  # doctest: +SKIP
            [5]
        """
        if batch_size < 1 or workers < 1:
            raise UsageError(f"batch_size and workers must be at least 1, got {batch_size} and {workers}")
        if encodings is None:
            encodings = self.tokenizer.encode_batch([doc.sentence_text(k) for doc, k in items])
        order = token_count_order(encodings)
        if self.network is not None:
            self.network.eval()
            self._merge()
        chunks = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]

        def run(chunk: list[int]) -> list[SentenceScores]:
            return self._score_sentences([items[i][0] for i in chunk], [items[i][1] for i in chunk],
                                         [encodings[i] for i in chunk])

        out: list[SentenceScores] = [None] * len(items)  # type: ignore[list-item]
        done = 0
        with ExitStack() as stack:
            if workers > 1 and len(chunks) > 1:
                stack.enter_context(self._one_thread_each())
                parts = stack.enter_context(ThreadPoolExecutor(workers)).map(run, chunks)
            else:
                parts = map(run, chunks)
            for chunk, part in zip(chunks, parts):
                for i, scores in zip(chunk, part):
                    out[i] = scores
                done += len(chunk)
                if progress is not None:
                    progress(done, len(items))
        return out

    def by_token_count(self, texts: Sequence[str]) -> tuple[list[int], list[Encoding]]:
        """The positions of ``texts`` ordered by token count (ties in input order), and their encodings.

        :meth:`score_sentences` and the web server's turns use this order, so a request scored alone gets the
        batches, and the scores, of :meth:`predict`.

        Example:
            >>> FramingModel.from_pretrained().by_token_count(["Three words here.", "Hi."])[0]  # doctest: +SKIP
            [1, 0]
        """
        encodings = self.tokenizer.encode_batch(list(texts))
        return token_count_order(encodings), encodings

    def _score_sentences(self, docs: list[PreparedDocument], indices: list[int], encodings: list[Encoding]
                         ) -> list[SentenceScores]:
        cfg = self.config
        bounds = [doc.sentences[k] for doc, k in zip(docs, indices)]
        texts = [doc.sentence_text(k) for doc, k in zip(docs, indices)]
        batch = batch_arrays(self.tokenizer, texts, encodings)
        quotes = [(row, q) for row, (doc, k) in enumerate(zip(docs, indices)) for q in doc.quotes[k]]
        n_classes = len(cfg.quote_classes)
        if not cfg.reads_quotes:
            quotes = []
        if self.onnx is not None:
            probs, sentence, quote_probs = self.onnx.probabilities(batch, quotes, n_classes)
        else:
            from framing.nn.torch_runtime import probabilities

            probs, sentence, quote_probs = probabilities(self.network, batch, quotes, n_classes)
        out = []
        for row, ((start, end), text) in enumerate(zip(bounds, texts)):
            units, inside, begins = unit_scores(probs[row], batch.offsets[row], batch.word_ids[row], text)
            out.append(SentenceScores(start, end, [(start + a, start + b) for a, b in units], inside, begins,
                                      sentence[row], [], np.zeros((0, n_classes))))
        if quotes:
            for i, (row, q) in enumerate(quotes):
                base = bounds[row][0]
                out[row].quotes.append(Quote(q.start + base, q.end + base, q.inner_start + base, q.inner_end + base))
                # quotes are listed sentence by sentence, so each sentence's rows are contiguous
                out[row].quote_probs = quote_probs[i + 1 - len(out[row].quotes) : i + 1]
        return out
