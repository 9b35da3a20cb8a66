"""The inference pipeline, in running order: segment, quotes, encode, scores, decode, results, and the gate."""
