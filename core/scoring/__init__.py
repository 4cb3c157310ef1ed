"""TGE scoring: explainable confidence that a news item announces a token generation event."""

from pathlib import Path

from core.scoring import _native

# Before anything imports the engine: pick the compiled build only where it matches its source.
_native.settle(__name__, Path(__file__).resolve().parent)

from core.scoring.engine import Analysis, CompanySpec, ScoringEngine, band_for  # noqa: E402

__all__ = ["Analysis", "CompanySpec", "ScoringEngine", "band_for"]
