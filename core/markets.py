"""Exchanges and trading pairs as launch news writes them: one table for the scorer's
discovery of new projects (an exchange's name ends a project's name) and the event joiner
(a venue is the project of no launch; a quote asset is no token).
"""

from __future__ import annotations

# Exchanges, lower case, one word each: they name many launches and are the project of none
# (the smaller ones too: final7's "Bitunix to Launch WLFI/USDT ...", BloFin, WEEX).
EXCHANGES = frozenset(
    "binance bitget okx coinbase kucoin bybit gate gate.io mexc kraken htx huobi upbit bithumb "
    "coinw hitbtc crypto.com bingx lbank poloniex bitmart bitunix blofin weex btcc coinex xt "
    "bitfinex phemex toobit ourbit bitrue deepcoin bitvavo bitstamp gemini".split()
)
# The words an exchange's own name or arm carries after it ("Huobi Global", "Binance US",
# "Coinbase Pro", "CoinW Exchange", "OKX Ventures", "Binance Labs", "Bitget Innovation Zone"):
# with the exchange they name it, never a project.
EXCHANGE_QUALIFIERS = frozenset(
    "global pro us international exchange ventures labs research academy innovation".split()
)
# The quote assets of trading pairs ("XPL/USDT", "LUNA-BTC", "ARB_USDC").
QUOTE_ASSETS = tuple("USDT USDC USD1 USD BUSD FDUSD BTC ETH BNB EUR TRY KRW".split())
QUOTES = "|".join(QUOTE_ASSETS)  # as a regular expression's alternatives
