"""A stored user agent in words a person recognises."""

import pytest

from app.account.devices import UNKNOWN_DEVICE, describe_device


@pytest.mark.parametrize(
    ("user_agent", "words"),
    [
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
            "Firefox op Windows",
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like "
            "Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
            "Edge op Mac OS X",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Mobile Safari/537.36",
            "Chrome Mobile op Android",
        ),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64)", "Onbekende browser op Windows"),
        ("testclient", UNKNOWN_DEVICE),
        (None, UNKNOWN_DEVICE),
    ],
)
def test_browser_and_system_in_words(user_agent: str | None, words: str) -> None:
    assert describe_device(user_agent) == words
