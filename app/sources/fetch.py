"""Fetch what an authority's address serves now: the bytes, their type, and whether the address still exists."""
from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

USER_AGENT = "Kalla-source-check/1.0 (vetted authority texts for residents; python urllib)"
VANISHED = (404, 410)


class FetchError(Exception):
    """The address gave nothing usable: `status` is the HTTP status (0 when the server could not be reached)."""

    def __init__(self, message: str, status: int = 0) -> None:
        super().__init__(message)
        self.status = status

    @property
    def vanished(self) -> bool:
        return self.status in VANISHED


@dataclass(frozen=True)
class Fetched:
    url: str
    final_url: str
    status: int
    content_type: str
    data: bytes


def valid_address(url: str) -> str:
    """'' when url is an http(s) address with a host, else why not."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "the address must start with http:// or https:// and name a host"
    return ""


def fetch(url: str, max_bytes: int, timeout: float = 20.0) -> Fetched:
    problem = valid_address(url)
    if problem:
        raise FetchError(problem)
    request = urllib.request.Request(url.strip(), headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:   # noqa: S310 - http(s) checked above
            data = response.read(max_bytes + 1)
            if len(data) > max_bytes:
                raise FetchError(f"the file is larger than {max_bytes} bytes (KALLA_SOURCE_MAX_BYTES)", response.status)
            return Fetched(url.strip(), response.geturl(), response.status,
                           response.headers.get("content-type", ""), data)
    except urllib.error.HTTPError as exc:
        what = "the page is gone" if exc.code in VANISHED else "the server refused"
        raise FetchError(f"{what}: HTTP {exc.code}", exc.code) from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise FetchError(f"the address could not be reached: {reason}") from None
