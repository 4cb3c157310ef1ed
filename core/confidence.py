"""One way to read and show a confidence: `0.7`, `70` and `70%` all mean 70%.

People type thresholds the way they think of them (a percentage) or the way an API shows
them (a fraction); both are accepted and every reply shows a percentage, so what was
understood is never a surprise. The words ("likely", "very likely") follow the learned
model's calibration: 0.8 means about 8 in 10 such alerts were real TGEs.
"""

from __future__ import annotations

from core.errors import InvalidInput

EXAMPLE = "70% (0.7 and 70 mean the same)"

# (lowest confidence, words) from the top; the model is calibrated, so these are honest odds
_WORDS = (
    (0.9, "very likely"),
    (0.7, "likely"),
    (0.5, "possible"),
    (0.3, "unlikely"),
    (0.0, "very unlikely"),
)


def parse_confidence(raw: object, label: str = "confidence", field: str | None = None) -> float:
    """`0.7`, `70`, `70%`, `70 %` → 0.7; a fraction at most 1, a percentage up to 100.

    Anything else (words, negatives, more than 100) is refused with an example.
    """
    if isinstance(raw, bool):
        raise InvalidInput(f"{label} must be a percentage, like {EXAMPLE}", field=field or label)
    text = str(raw).strip().replace(" ", "").replace(",", ".")
    percent = text.endswith("%")
    try:
        value = float(text.rstrip("%"))
    except ValueError:
        raise InvalidInput(
            f"{label} must be a percentage, like {EXAMPLE}; you wrote {str(raw).strip()!r}",
            field=field or label,
        ) from None
    if value != value or not -1e9 < value < 1e9:
        raise InvalidInput(f"{label} must be a percentage, like {EXAMPLE}", field=field or label)
    if percent or value > 1:
        value /= 100
    if not 0 <= value <= 1:
        raise InvalidInput(
            f"{label} must be between 0% and 100%, like {EXAMPLE}; you wrote {str(raw).strip()}",
            field=field or label,
        )
    return round(value, 4)


def percent(value: float) -> str:
    """0.7 → '70%', 0.125 → '12.5%' (never '0.70')."""
    shown = round(float(value) * 100, 1)
    return f"{shown:g}%"


def in_words(value: float) -> str:
    """The calibrated chance in words: 'very likely', 'likely', 'possible', ..."""
    for lowest, words in _WORDS:
        if value >= lowest:
            return words
    return _WORDS[-1][1]


# A subscription's own minimum confidence, or none: then each item is judged at the threshold
# the scorer judged it at (the CJK model's for zh/ja/ko items, the service's for others), so
# the subscription gets every alert the scorer made. These words ask for that.
DEFAULT_FLOOR = "default"
FLOOR_WORDS = frozenset({"default", "auto", "scorer", "reset"})
SCORER_FLOOR_TEXT = "the scorer's threshold (per item)"


def is_floor_word(raw: object) -> bool:
    """`default` (or auto, scorer, reset): no minimum of one's own, the scorer's per item."""
    return isinstance(raw, str) and raw.strip().lower() in FLOOR_WORDS


def parse_floor(
    raw: object, label: str = "minimum confidence", field: str | None = None
) -> float | str:
    """A minimum confidence as people type it (`70%`, `0.7`), or `default` → DEFAULT_FLOOR."""
    if is_floor_word(raw):
        return DEFAULT_FLOOR
    try:
        return parse_confidence(raw, label, field)
    except InvalidInput as exc:  # the same words, naming the other way to answer
        raise InvalidInput(
            exc.message.replace(EXAMPLE, f"{EXAMPLE}, or default for {SCORER_FLOOR_TEXT}"),
            field=field or label,
        ) from None


def floor_text(value: float | None) -> str:
    """A subscription's minimum as shown everywhere: '70%', or the scorer's threshold."""
    return SCORER_FLOOR_TEXT if value is None else percent(value)
