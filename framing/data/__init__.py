"""Reading data: documents to check, corpora to score, the shared public corpora, annotation formats and our corpora."""
