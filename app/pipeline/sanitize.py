"""Input hygiene before anything else sees the message: control and zero-width characters go."""
from __future__ import annotations

import re
import unicodedata

_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")


def clean_message(message: str) -> str:
    message = unicodedata.normalize("NFC", message)
    message = _ZERO_WIDTH.sub("", message)
    message = "".join(ch if ch in "\n\t" or unicodedata.category(ch)[0] != "C" else " " for ch in message)
    return re.sub(r"\s+", " ", message).strip()
