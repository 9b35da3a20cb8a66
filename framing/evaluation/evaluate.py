"""Measure a model on annotated data: scikit-learn metrics, SemEval span scores, calibration,
bootstrap confidence intervals and baselines, all in one JSON-ready dict.

The model scores each document once (:meth:`FramingModel.score_many`); flags are then decoded at
the model's tuned thresholds and, to show what tuning bought, at 0.5 for every label.
Documents the model was trained or tuned on (by :func:`framing.data.gold.fingerprint`) are left out.

Example:
    >>> from framing.modeling import FramingModel  # doctest: +SKIP
    >>> m = FramingModel.from_pretrained()  # doctest: +SKIP
    >>> sets = [load_gold("babe:../shared/data/babe/final_labels_SG2.csv", m.config.labelset)]  # doctest: +SKIP
    >>> babe = evaluate(m, sets)["datasets"][sets[0].spec]["sentences"]["labels"]["BIASED"]  # doctest: +SKIP
    >>> babe["tuned"]["macro_f1"]  # doctest: +SKIP
    {'value': 0.812, 'ci95': [0.776, 0.845]}
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.metrics import classification_report, confusion_matrix, precision_recall_fscore_support

from framing.data.annotated import AnnotatedDocument
from framing.data.gold import GoldSet, fingerprint
from framing.errors import DataError, UsageError
from framing.evaluation.baselines import Lexicon, rule_is_scare
from framing.evaluation.metrics import (
    binary_counts,
    binary_f1,
    binary_macro_f1,
    bootstrap_ci,
    calibration,
    merge_spans,
    overlap_flags,
    span_counts,
    span_prf,
    word_spans,
)
from framing.evaluation.phrases import PhraseDoc, phrase_section
from framing.labels import SCARE_CLASS
from framing.modeling import FramingModel
from framing.nn import precision as precision_modes
from framing.pipeline.results import DocumentResult
from framing.pipeline.scores import DocumentScores

RESAMPLES = 1000


def _figure(value: float, per_group: np.ndarray | None = None, statistic=None, seed: int = 0) -> dict:
    out = {"value": float(value)}
    if per_group is not None:
        out["ci95"] = list(bootstrap_ci(per_group, statistic, RESAMPLES, seed))
    return out


def _by_group(groups: Sequence[str], rows: np.ndarray) -> np.ndarray:
    """Sum the rows of each resampling group (an article's sentences resample together)."""
    index: dict[str, int] = {}
    for g in groups:
        index.setdefault(g, len(index))
    out = np.zeros((len(index), rows.shape[1]))
    np.add.at(out, [index[g] for g in groups], rows)
    return out


def _word_probs(words: list[tuple[int, int]], scores: DocumentScores, k: int) -> np.ndarray:
    """The highest inside-probability among the model's units that overlap each word."""
    out = np.zeros(len(words))
    units = [(u, s.inside[i, k]) for s in scores.sentences for i, u in enumerate(s.units)]
    j = 0
    for w, (ws, we) in enumerate(words):
        while j < len(units) and units[j][0][1] <= ws:
            j += 1
        i = j
        while i < len(units) and units[i][0][0] < we:
            out[w] = max(out[w], units[i][1])
            i += 1
    return out


def _semeval_f1(counts: np.ndarray) -> np.ndarray:
    return span_prf(counts, "semeval")[..., 2]


def _spans_of(result: DocumentResult, label: str) -> list[tuple[int, int]]:
    return [(s.start, s.end) for s in result.spans if s.label == label]


def _span_figures(words, gold, preds, groups, seed: int) -> tuple[dict, list[np.ndarray], np.ndarray, np.ndarray]:
    """Word-level F1 and SemEval span F1 (with CIs) of one label's predictions; also the predicted
    word flags per document, the summed word counts (tp, fp, fn, tn) and the summed span counts."""
    y_words = [overlap_flags(w, g) for w, g in zip(words, gold)]
    p_words = [overlap_flags(w, p) for w, p in zip(words, preds)]
    tok = np.array([binary_counts(y, p) for y, p in zip(y_words, p_words)])
    spans = np.array([span_counts(p, g) for p, g in zip(preds, gold)])
    figures = {"token_f1": _figure(binary_f1(tok.sum(0)), _by_group(groups, tok), binary_f1, seed),
               "semeval_span_f1": _figure(_semeval_f1(spans.sum(0)), _by_group(groups, spans), _semeval_f1, seed)}
    return figures, p_words, tok.sum(0), spans.sum(0)


def _span_identification(preds, docs, groups, seed: int) -> dict:
    """Technique-agnostic span identification: all gold techniques and all predictions, overlaps merged."""
    si = np.array([span_counts(merge_spans(p), merge_spans(d.propaganda)) for p, d in zip(preds, docs)])
    p, r, _ = span_prf(si.sum(0), "semeval")
    return {"precision": float(p), "recall": float(r),
            **_figure(_semeval_f1(si.sum(0)), _by_group(groups, si), _semeval_f1, seed)}


def annotated_labels(docs: Sequence[AnnotatedDocument], labels: Sequence[str]) -> list[str]:
    """The ``labels`` whose spans every document annotated (a document without ``span_labels`` annotated all).

    Example:
        >>> d = AnnotatedDocument("d", "x", "d", span_labels=("SCARE_QUOTE",))
        >>> annotated_labels([d], ["SCARE_QUOTE", "DOUBT"])
        ['SCARE_QUOTE']
    """
    return [x for x in labels if all(d.span_labels is None or x in d.span_labels for d in docs)]


def _span_section(model: FramingModel, docs: list[AnnotatedDocument], scores: list[DocumentScores],
                  lexicon: Lexicon | None, seed: int) -> dict:
    cfg = model.config
    labels = annotated_labels(docs, cfg.labelset.tagged_labels)
    tuned_results = [model.decode(s) for s in scores]
    plain_results = [model.decode(s, {k: 0.5 for k in cfg.thresholds}) for s in scores]
    groups = [d.group for d in docs]
    words = [word_spans(d.text) for d in docs]
    out: dict = {"documents": len(docs), "labels": {}}
    token_true, token_pred, sent_true, sent_pred = [], [], [], []
    for k, label in enumerate(labels):
        gold = [[(s.start, s.end) for s in d.spans if s.label == label] for d in docs]
        y_words = np.concatenate([overlap_flags(w, g) for w, g in zip(words, gold)])
        untuned = _span_figures(words, gold, [_spans_of(r, label) for r in plain_results], groups, seed)[0]
        row, p_words, tok, counts = _span_figures(words, gold, [_spans_of(r, label) for r in tuned_results],
                                                  groups, seed)
        tp, fp, fn, tn = (int(x) for x in tok)
        sem_p, sem_r, _ = span_prf(counts, "semeval")
        row |= {"token_precision": tp / max(tp + fp, 1), "token_recall": tp / max(tp + fn, 1),
                "token_support": tp + fn, "token_confusion": [[tn, fp], [fn, tp]],  # rows gold 0/1
                "semeval_span_precision": float(sem_p), "semeval_span_recall": float(sem_r),
                "gold_spans": int(counts[1]), "predicted_spans": int(counts[0])}
        for kind in ("exact", "overlap"):
            p, r, f = span_prf(counts, kind)
            row[f"{kind}_span"] = {"precision": float(p), "recall": float(r), "f1": float(f)}
        token_true.append(y_words)
        token_pred.append(np.concatenate(p_words))
        # sentence level: a sentence holds the label when any span of it overlaps the sentence
        y_s = [int(any(s < st.end and e > st.start for s, e in g)) for g, sc in zip(gold, scores)
               for st in sc.sentences]
        p_s = [int(label in st.labels) for r in tuned_results for st in r.sentences]
        sent_true.append(y_s)
        sent_pred.append(p_s)
        sp, sr, sf, _ = precision_recall_fscore_support(y_s, p_s, average="binary", zero_division=0)
        row["sentence"] = {"precision": float(sp), "recall": float(sr), "f1": float(sf), "support": int(sum(y_s)),
                           "confusion": confusion_matrix(y_s, p_s, labels=[0, 1]).tolist()}
        p_w = np.concatenate([_word_probs(w, sc, k) for w, sc in zip(words, scores)])
        row["calibration"] = calibration(y_words, p_w)
        out["labels"][label] = {"tuned": row, "untuned": untuned}
    for level, truth, guess in (("token", token_true, token_pred), ("sentence", sent_true, sent_pred)):
        y_true, y_pred = np.stack(truth, 1), np.stack(guess, 1)
        only = {}
        if len(labels) == 1:  # scikit-learn reads a one-column indicator matrix as binary classes 0 and 1
            y_true, y_pred, only = y_true[:, 0], y_pred[:, 0], {"labels": [1]}
        out[f"{level}_report"] = classification_report(y_true, y_pred, target_names=labels, zero_division=0,
                                                       digits=3, **only)
        for avg in ("micro", "macro"):
            p, r, f, _ = precision_recall_fscore_support(y_true, y_pred, average=avg, zero_division=0, **only)
            out[f"{level}_{avg}"] = {"precision": float(p), "recall": float(r), "f1": float(f)}
    has_si = all(d.propaganda is not None for d in docs)
    if has_si:
        out["span_identification"] = _span_identification(
            [[(s.start, s.end) for s in r.spans if s.label in labels] for r in tuned_results], docs, groups, seed)
    if lexicon is not None:
        # the lexicon baseline marks loaded language only
        preds = [lexicon.spans(d.text) for d in docs]
        gold = [[(s.start, s.end) for s in d.spans if s.label == "LOADED_LANGUAGE"] for d in docs]
        lex = _span_figures(words, gold, preds, groups, seed)[0]
        out["lexicon_baseline"] = {"label": "LOADED_LANGUAGE", "lexicons": lexicon.sources, **lex}
        if has_si:
            out["lexicon_baseline"]["span_identification"] = _span_identification(preds, docs, groups, seed)
    return out


def _sentence_section(model: FramingModel, docs: list[AnnotatedDocument], scores: list[DocumentScores],
                      lexicon: Lexicon | None, seed: int) -> dict:
    cfg = model.config
    out: dict = {"labels": {}}
    for k, label in enumerate(cfg.labelset.sentence_labels):
        rows = [(d.group, st, u.labels[label], d.text[st.start:st.end]) for d, sc in zip(docs, scores)
                for st, u in zip(sc.sentences, d.units or []) if label in u.labels]
        if not rows:
            continue
        groups = [g for g, *_ in rows]
        y = np.array([v for _, _, v, _ in rows])
        prob = np.array([float(st.sentence[k]) for _, st, _, _ in rows])
        entry: dict = {"sentences": len(rows), "positive_rate": float(y.mean())}
        for name, threshold in (("tuned", cfg.thresholds[label]), ("untuned", 0.5)):
            pred = (prob >= threshold).astype(int)
            c = np.array([binary_counts([a], [b]) for a, b in zip(y, pred)])
            row = {"threshold": threshold,
                   "macro_f1": _figure(binary_macro_f1(c.sum(0)), _by_group(groups, c), binary_macro_f1, seed)}
            if name == "tuned":
                p, r, f, s = precision_recall_fscore_support(y, pred, labels=[0, 1], zero_division=0)
                row["per_class"] = {cls: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]),
                                          "support": int(s[i])} for i, cls in enumerate(("not " + label, label))}
                row["accuracy"] = float((pred == y).mean())
                row["confusion"] = confusion_matrix(y, pred, labels=[0, 1]).tolist()
                row["report"] = classification_report(y, pred, labels=[0, 1], target_names=["not " + label, label],
                                                       zero_division=0, digits=3)
                row["calibration"] = calibration(y, prob)
            entry[name] = row
        majority = int(y.mean() >= 0.5)
        c = np.array([binary_counts([a], [majority]) for a in y])
        entry["majority_baseline"] = {"predicts": majority, **_figure(binary_macro_f1(c.sum(0)))}
        if lexicon is not None:
            lex = np.array([int(bool(lexicon.spans(text))) for *_, text in rows])
            c = np.array([binary_counts([a], [b]) for a, b in zip(y, lex)])
            entry["lexicon_baseline"] = _figure(binary_macro_f1(c.sum(0)), _by_group(groups, c), binary_macro_f1, seed)
        out["labels"][label] = entry
    return out


def _quote_section(model: FramingModel, docs: list[AnnotatedDocument], scores: list[DocumentScores], seed: int) -> dict:
    cfg = model.config
    classes = list(cfg.quote_classes)
    scare = classes.index(SCARE_CLASS)
    gold, probs, rule, groups, unmatched = [], [], [], [], 0
    for d, sc in zip(docs, scores):
        found = {q.start: (q, p, st) for st in sc.sentences for q, p in zip(st.quotes, st.quote_probs)}
        for start, label in d.quotes or ():  # a pooled data set may mix in documents without quote labels
            if start not in found:  # our quote finder or segmenter did not pair this mark
                unmatched += 1
                q_probs, is_rule = np.zeros(len(classes)), False
            else:
                q, q_probs, st = found[start]
                sentence = d.text[st.start : st.end]
                is_rule = rule_is_scare(sentence, q.inner_start - st.start, q.inner_end - st.start)
            gold.append(classes.index(label))
            probs.append(q_probs)
            rule.append(is_rule)
            groups.append(d.group)
    y, p = np.array(gold), np.array(probs)
    is_scare = (y == scare).astype(int)
    out: dict = {"quotes": len(y), "unmatched": unmatched, "classes": classes}
    for name, threshold in (("tuned", cfg.thresholds[cfg.labelset.quote_label]), ("untuned", 0.5)):
        pred = (p[:, scare] >= threshold).astype(int)
        c = np.array([binary_counts([a], [b]) for a, b in zip(is_scare, pred)])
        pr, rc, _, _ = precision_recall_fscore_support(is_scare, pred, average="binary", zero_division=0)
        out[name] = {"threshold": threshold, "precision": float(pr), "recall": float(rc),
                     "f1": _figure(binary_f1(c.sum(0)), _by_group(groups, c), binary_f1, seed)}
    argmax = p.argmax(1)
    out["confusion"] = confusion_matrix(y, argmax, labels=list(range(len(classes)))).tolist()
    out["report"] = classification_report(y, argmax, labels=list(range(len(classes))), target_names=classes,
                                          zero_division=0, digits=3)
    out["calibration"] = calibration(is_scare, p[:, scare])
    c = np.array([binary_counts([a], [b]) for a, b in zip(is_scare, rule)])
    pr, rc, _, _ = precision_recall_fscore_support(is_scare, rule, average="binary", zero_division=0)
    out["rule_baseline"] = {"precision": float(pr), "recall": float(rc),
                            "f1": _figure(binary_f1(c.sum(0)), _by_group(groups, c), binary_f1, seed)}
    return out


def _phrase_section(model: FramingModel, docs: list[AnnotatedDocument], scores: list[DocumentScores],
                    lexicon: Lexicon | None, seed: int) -> dict:
    """Phrase-level figures per label and voice (see :mod:`framing.evaluation.phrases`)."""
    labels = annotated_labels(docs, model.config.labelset.span_labels)
    results = [model.decode(s) for s in scores]
    gold = [PhraseDoc(d.doc_id, d.text, [(s.start, s.end, s.label, s.voice) for s in d.spans], d.genre) for d in docs]
    preds = [[(s.start, s.end, s.label, getattr(s, "voice", "writer")) for s in r.spans] for r in results]
    baseline = None
    if lexicon is not None and annotated_labels(docs, ["LOADED_LANGUAGE"]):
        baseline = [[(s, e, "LOADED_LANGUAGE", "writer") for s, e in lexicon.spans(d.text)] for d in docs]
    return phrase_section(gold, preds, labels, baseline, RESAMPLES, seed)


def exclude_seen(gold: GoldSet, seen: set[str]) -> GoldSet:
    """Drop documents whose fingerprint the model was trained or tuned on."""
    keep = [d for d in gold.documents if fingerprint(d.text) not in seen]
    gold.excluded += len(gold.documents) - len(keep)
    gold.documents = keep
    return gold


def evaluate(model: FramingModel, golds: Sequence[GoldSet], lexicon: Lexicon | None = None, seed: int = 0,
             batch_size: int = 64) -> dict:
    """All metrics of ``model`` on each gold set, keyed by its spec (JSON-ready)."""
    out: dict = {"thresholds": dict(model.config.thresholds), "bootstrap": {
        "resamples": RESAMPLES, "level": 0.95, "unit": "document (BABE/MBIC: article link)", "seed": seed},
        "datasets": {}}
    for gold in golds:
        docs = gold.documents
        scores = model.score_many([d.text for d in docs], batch_size=batch_size,
                                  sentences=[d.unit_bounds for d in docs])
        section: dict = {"format": gold.format, "files": gold.file_hashes, "documents": len(docs),
                         "excluded_seen_in_training": gold.excluded}
        if docs and all(d.has_spans for d in docs) and annotated_labels(docs, model.config.labelset.tagged_labels):
            section["spans"] = _span_section(model, docs, scores, lexicon, seed)
        if any(d.units for d in docs):
            section["sentences"] = _sentence_section(model, docs, scores, lexicon, seed)
        # also for a model with no span label of the set's: its flags per 1,000 words (none) against the gold's
        # and the lexicon baseline are still figures
        if docs and all(d.has_spans and d.voiced for d in docs):
            section["phrases"] = _phrase_section(model, docs, scores, lexicon, seed)
        if any(d.quotes for d in docs) and model.config.labelset.quote_label:
            section["quotes"] = _quote_section(model, docs, scores, seed)
        out["datasets"][gold.spec] = section
    return out


def model_sha256(folder: str | Path) -> str:
    """sha256 of a model folder's weights (thresholds and labels are recorded beside it in the report)."""
    import hashlib

    from framing.model_files import WEIGHTS_NAME

    return hashlib.sha256((Path(folder) / WEIGHTS_NAME).read_bytes()).hexdigest()


def run_evaluation(model_dir: str | None, specs: Sequence[str], out: str | Path, update_model: bool = False,
                   log=print, quantize: bool = False, precision: str | None = None) -> dict:
    """Load the model and every data SPEC (failing before any scoring on bad data), evaluate, and
    write the report folder ``out``; with ``update_model`` the model card gets the headline table.

    ``precision`` is the inference mode (:mod:`framing.nn.precision`; ``quantize=True`` is ``"int8"``);
    the mode used is recorded in ``metrics.json`` as ``model.precision``."""
    import datetime

    from framing import __version__
    from framing.data.gold import load_gold
    from framing.data.shared_corpora import DataMissingError
    from framing.evaluation.report import check_report_folder, headline, write_report
    from framing.modeling import default_model_dir

    folder = Path(model_dir) if model_dir else default_model_dir()
    check_report_folder(out)  # before any work: a folder we did not write is refused, never emptied
    if quantize:
        precision = "int8"
    if update_model and precision is not None and precision_modes.requested(precision) == "int8":
        raise UsageError("--int8 measures the int8 variant; the model card's headline is the fp32 model's, "
                         "so --int8 and --update-model cannot be combined")
    model = FramingModel.from_pretrained(folder, precision=precision)
    golds = [load_gold(spec, model.config.labelset) for spec in specs]
    seen = {f for prints in model.seen.values() for f in prints}
    golds = [exclude_seen(g, seen) for g in golds]
    for g in golds:
        if not g.documents:
            raise DataError(f"{g.spec}: every document was in the model's training or tune data")
    try:
        lexicon = Lexicon.load()
    except DataMissingError as e:
        log(f"framing: no lexicon baseline ({e})")
        lexicon = None
    for g in golds:
        log(f"framing: scoring {g.spec}: {len(g.documents)} documents ({g.excluded} seen in training, left out)")
    metrics = {"model": {"path": str(folder), "sha256": model_sha256(folder),
                         "labels": model.config.labelset.to_dict(), "precision": model.precision,
                         "runtime": model.runtime, "int8": model.precision == "int8"},
               "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
               "framing_version": __version__,
               "data": [{"spec": g.spec, "format": g.format, "files": g.file_hashes, "documents": len(g.documents),
                         "excluded_seen_in_training": g.excluded} for g in golds],
               **evaluate(model, golds, lexicon)}
    write_report(metrics, out)
    if update_model:
        from framing.model_card import update_folder

        evaluation = {"created": metrics["created"], "precision": model.precision, "runtime": model.runtime,
                      "data": metrics["data"], "headline": headline(metrics)}
        update_folder(folder, lambda record: setattr(record, "evaluation", evaluation))  # the weights stay as they are
    return metrics
