"""tagsig.transfer_bytes: the bytes a response took on the wire, as producers record them."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

import tagsig
import tagsig.engine
from tagsig import Entry, load_har
from tagsig._audit.measure import weigh
from tagsig.engine import transfer_bytes
from tests import builders


def _entries(*raw: builders.JSON) -> tuple[Entry, ...]:
    return load_har(json.loads(builders.har(*raw))).entries


class TestTransferBytes:
    """What transfer_bytes reads from an entry."""

    def test_transfer_size_wins(self) -> None:
        """Chrome's _transferSize is the figure, whatever the header and body sizes say."""
        (entry,) = _entries(
            builders.entry(
                "https://cdn.example/a.js", transfer=4321, headers_size=200, body_size=500
            )
        )
        assert transfer_bytes(entry) == 4321

    def test_headers_and_body(self) -> None:
        """Without _transferSize, the response's headersSize and bodySize add up."""
        (entry,) = _entries(
            builders.entry("https://cdn.example/a.js", headers_size=250, body_size=1750)
        )
        assert transfer_bytes(entry) == 2000

    @pytest.mark.parametrize(
        ("headers_size", "body_size", "expected"), [(-1, 900, 900), (300, -1, 300), (-1, -1, 0)]
    )
    def test_unknown_sizes_count_as_zero(
        self, headers_size: int, body_size: int, expected: int
    ) -> None:
        """HAR's -1 for an unknown size counts as 0 bytes, not as -1."""
        (entry,) = _entries(
            builders.entry(
                "https://cdn.example/a.js", headers_size=headers_size, body_size=body_size
            )
        )
        assert transfer_bytes(entry) == expected

    def test_unknown_transfer_size(self) -> None:
        """A _transferSize of -1 is unknown: the header and body sizes are used instead."""
        (entry,) = _entries(
            builders.entry("https://cdn.example/a.js", transfer=-1, headers_size=10, body_size=20)
        )
        assert transfer_bytes(entry) == 30

    def test_public(self) -> None:
        """The function is part of the experimental engine API, not of ``tagsig``."""
        assert "transfer_bytes" in tagsig.engine.__all__
        assert "transfer_bytes" not in tagsig.__all__
        assert tagsig.engine.transfer_bytes is transfer_bytes


_SIZE = st.one_of(st.none(), st.just(-1), st.integers(0, 10**9))


@given(st.lists(st.tuples(_SIZE, st.integers(-1, 10**6), st.integers(-1, 10**6)), max_size=12))
def test_weight_adds_up_transfer_bytes(sizes: list[tuple[int | None, int, int]]) -> None:
    """The weight of requests counts each response's bytes as transfer_bytes does."""
    entries = _entries(
        *(
            builders.entry(
                f"https://cdn.example/{n}.js",
                transfer=transfer,
                headers_size=headers,
                body_size=body,
            )
            for n, (transfer, headers, body) in enumerate(sizes)
        )
    )
    assert len(entries) == len(sizes)
    weight = weigh(entries)
    assert weight.transfer_bytes == sum(map(transfer_bytes, entries))
    assert all(transfer_bytes(entry) >= 0 for entry in entries)
    for entry, (transfer, headers, body) in zip(entries, sizes, strict=True):
        expected = (
            transfer if transfer is not None and transfer >= 0 else max(headers, 0) + max(body, 0)
        )
        assert transfer_bytes(entry) == expected
