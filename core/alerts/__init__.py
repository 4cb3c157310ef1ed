"""The alert pipeline: alerts + outbox rows (service, router), dispatch, digests, rendering."""
