"""Evaluation: metrics, baselines, `framing evaluate` and its report folder."""
