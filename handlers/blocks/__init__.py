"""Pure Block Kit builders: plain values in, a list of blocks out. No database, no client."""
