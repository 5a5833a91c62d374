"""A stored user agent in words a person recognises: "Firefox op Windows"."""

from ua_parser import parse

UNKNOWN_DEVICE = "Onbekend apparaat"


def describe_device(user_agent: str | None) -> str:
    """The browser and operating system behind a user agent, in Dutch words."""
    if not user_agent:
        return UNKNOWN_DEVICE
    parsed = parse(user_agent)
    browser = parsed.user_agent.family if parsed.user_agent else None
    system = parsed.os.family if parsed.os else None
    if browser and system:
        return f"{browser} op {system}"
    if browser:
        return browser
    if system:
        return f"Onbekende browser op {system}"
    return UNKNOWN_DEVICE
