"""One reader of X account names: feeds, company handles and the link guard agree."""

from __future__ import annotations

import pytest

from core.errors import InvalidInput
from core.monitors.twitter import parse_x_source
from core.services.companies import clean_handle
from core.xhandles import x_handle


@pytest.mark.parametrize(
    ("text", "handle"),
    [
        ("@LayerZero_Labs", "LayerZero_Labs"),
        ("LayerZero_Labs", "LayerZero_Labs"),
        ("x.com/LayerZero_Labs", "LayerZero_Labs"),
        ("https://twitter.com/LayerZero_Labs/status/1", "LayerZero_Labs"),
        ("https://mobile.x.com/LayerZero_Labs/", "LayerZero_Labs"),
        ("www.x.com/LayerZero_Labs", "LayerZero_Labs"),
        ("x.com/explore", None),
        ("https://x.com/", None),
        ("@no-dashes", None),
        ("@waytoolongforanxhandle", None),
        ("https://example.invalid/LayerZero_Labs", None),
    ],
)
def test_every_door_reads_an_account_the_same_way(text: str, handle: str | None) -> None:
    assert x_handle(text) == handle
    source = parse_x_source(text)
    assert (source.value if source else None) == (handle.lower() if handle else None)
    if handle is None:
        with pytest.raises(InvalidInput, match="not an X handle"):
            clean_handle(text)
    else:
        assert clean_handle(text) == handle
