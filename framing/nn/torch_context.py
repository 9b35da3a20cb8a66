"""Context managers around torch: a thread count for a block, and building layers without initialising them.

Example:
    >>> import torch
    >>> with torch_threads(1):
    ...     torch.get_num_threads()
    1
    >>> with no_init():
    ...     layer = torch.nn.Linear(2, 2)  # weights left as allocated; loading replaces them
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import torch


@contextmanager
def torch_threads(n: int) -> Iterator[None]:
    """Run the block with ``n`` torch threads, then restore the count."""
    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


@contextmanager
def no_init() -> Iterator[None]:
    """Build layers with uninitialised weights (``torch.empty``): loading replaces every one of them.

    Random initialisation of the 22M encoder weights cost a noticeable share of a cold ``framing check``;
    building on the ``meta`` device instead would import ``torch._dynamo`` (seconds).
    """
    from torch import nn

    kinds = (nn.Linear, nn.Embedding, nn.LayerNorm)
    saved = [k.reset_parameters for k in kinds]
    for k in kinds:
        k.reset_parameters = lambda self: None
    try:
        yield
    finally:
        for k, f in zip(kinds, saved):
            k.reset_parameters = f
