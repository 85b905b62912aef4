"""The local sandbox: the real bot behind a page that stands in for Slack and phones."""
