"""One module per annotation format; :mod:`framing.data.annotations` is the registry."""
