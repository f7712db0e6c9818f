"""Weigh requests: counts, bytes on the wire and decoded, script bytes and network time."""

from __future__ import annotations

from collections.abc import Iterable

from attrs import frozen

from tagsig._inputs.models import Entry

__all__ = ["Weight", "script_bytes", "transfer_bytes", "weigh"]


def transfer_bytes(entry: Entry) -> int:
    """Bytes of the response on the wire.

    Chrome's ``_transferSize`` when recorded; otherwise ``headersSize + bodySize`` of the
    response, each counted as 0 when unknown (HAR writes -1).
    """
    if entry.transfer_size is not None:
        return entry.transfer_size
    return (entry.response_headers_size or 0) + (entry.response_body_size or 0)


@frozen(kw_only=True)
class Weight:
    """What a set of requests costs."""

    requests: int = 0
    """Number of requests."""
    transfer_bytes: int = 0
    """Bytes on the wire (see :func:`transfer_bytes`)."""
    decoded_bytes: int = 0
    """Decoded bytes of the response bodies (``content.size``; 0 when unknown)."""
    script_bytes: int = 0
    """Decoded bytes of the JavaScript responses."""
    time_ms: float = 0.0
    """Sum of the requests' total times, in milliseconds."""
    sizes_recorded: bool = True
    """``False`` when requests were weighed but none carries a size the producer recorded
    (Playwright's ``record_har_mode="minimal"`` omits them all): the byte counts are then 0
    for want of data, not measured, and reports show them as unknown."""


def weigh(entries: Iterable[Entry]) -> Weight:
    """Add up the weight of ``entries``."""
    requests = wire = decoded = script = 0
    time = 0.0
    sized = False
    for entry in entries:
        requests += 1
        # transfer_bytes(entry), inline: this loop runs over every request several times.
        transfer = entry.transfer_size
        if transfer is None:
            headers, body = entry.response_headers_size, entry.response_body_size
            sized = sized or headers is not None or body is not None
            transfer = (headers or 0) + (body or 0)
        else:
            sized = True
        wire += transfer
        size = entry.content_size or 0
        decoded += size
        if entry.is_script:
            script += size
        time += entry.time
    return Weight(
        requests=requests,
        transfer_bytes=wire,
        decoded_bytes=decoded,
        script_bytes=script,
        time_ms=round(time, 3),
        sizes_recorded=sized or requests == 0,
    )


def script_bytes(entries: Iterable[Entry]) -> int:
    """Add up the decoded bytes of the JavaScript responses among ``entries``, as :func:`weigh`."""
    return sum(entry.content_size or 0 for entry in entries if entry.is_script)
