"""Batch scoring of whole corpora (`framing score`, local or Ray) and the per-group report (`framing report`)."""
