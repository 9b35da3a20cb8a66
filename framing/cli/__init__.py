"""The `framing` command line and its terminal rendering."""
