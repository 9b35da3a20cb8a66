"""The neural network: the plain-torch BERT encoder, the heads, and where the base model's weights live."""
