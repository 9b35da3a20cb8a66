"""`framing serve`: the draft-check web page and its JSON API."""
