"""Pure domain rules: plain functions over plain values, no Slack and no SQL."""
