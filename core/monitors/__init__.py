"""Monitors: the sources (RSS/Atom, X, announcement pages) and the pipeline that ingests them.

Every network fetch goes through `fetch.SafeFetcher` (public addresses only, capped size and
time); `scheduler.Poller` polls due feeds politely; `ingest.Ingestor` dedups and scores.
"""
