"""TGE scoring: explainable confidence that a news item announces a token generation event."""

from core.scoring.engine import Analysis, CompanySpec, ScoringEngine, band_for

__all__ = ["Analysis", "CompanySpec", "ScoringEngine", "band_for"]
