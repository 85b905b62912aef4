"""Delivery: the outbox dispatcher and the senders it hands notifications to."""
