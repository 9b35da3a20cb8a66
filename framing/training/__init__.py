"""Training: examples, batched steps and losses, the `framing train` run, and active learning (`framing suggest`)."""
