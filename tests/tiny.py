"""A tiny randomly initialised model and a handful of examples it can overfit in seconds."""

import torch

from framing.config import FramingConfig
from framing.modeling import FramingModel
from framing.pipeline.quotes import find_quotes
from framing.training.examples import QuoteExample, SentenceExample, TagExample
from framing.training.loop import LoopOptions, fit
from framing.training.steps import loss

TINY_ENCODER = dict(vocab_size=30522, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                    intermediate_size=64, max_position_embeddings=512)
SCARE, DIRECT = 0, 1

LOADED = "The regime thugs attacked the town."
NEUTRAL = "Prices rose slightly in May."
SCARE_TEXT = "Russian \u201cpeacekeepers\u201d left the region."
DIRECT_TEXT = 'The minister promised to "restore order" within days.'


def quote_example(text, cls):
    return QuoteExample(text, [(q, cls) for q in find_quotes(text)])


TASKS = {
    "tag": [TagExample(LOADED, [(4, 16, "NAME_CALLING"), (17, 25, "LOADED_LANGUAGE")]), TagExample(NEUTRAL, []),
            TagExample(SCARE_TEXT, []), TagExample(DIRECT_TEXT, [])],
    "sent": [SentenceExample(LOADED, 1.0), SentenceExample(NEUTRAL, 0.0)],
    "quote": [quote_example(SCARE_TEXT, SCARE), quote_example(DIRECT_TEXT, DIRECT)],
}


def tiny_model(seed: int = 0) -> FramingModel:
    torch.manual_seed(seed)
    return FramingModel.from_base(FramingConfig(encoder_config=dict(TINY_ENCODER)))


def overfit(model: FramingModel, steps: int = 60) -> dict[str, float]:
    """Train on TASKS through the package's one loop (each epoch one batch of every task) until the losses
    are near zero; returns each task's loss afterwards (eval mode)."""
    fit(model, TASKS, LoopOptions(epochs=steps, batch_size=len(TASKS["tag"]), lr=3e-3, seed=0, warmup=0.0),
        log=lambda line: None)
    with torch.no_grad():
        return {task: loss(model, task, examples).item() for task, examples in TASKS.items()}
