"""One table of exchanges and quote assets (core.markets) for the event joiner and the
scorer's discovery: each reads a trading pair with every quote asset of the table."""

from __future__ import annotations

import pytest

from core.events import extract
from core.markets import EXCHANGES, QUOTE_ASSETS
from core.scoring import discovery


def test_the_joiners_venues_and_quotes_are_the_tables() -> None:
    assert extract.VENUES >= EXCHANGES
    assert extract._QUOTES == frozenset(QUOTE_ASSETS)


@pytest.mark.parametrize("quote", QUOTE_ASSETS)
def test_a_pair_with_any_quote_asset_is_its_token(quote: str) -> None:
    assert extract.contract_tickers(f"Bitunix Lists ABC/{quote} for Spot Trading") == {"ABC"}
    found = discovery._TRADING_FOR.search(f"Spot trading opens for ABC/{quote} today")
    assert found is not None and found.group(2) == "ABC"
