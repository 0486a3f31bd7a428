"""Demo data for this topic (replaced by the real demo as the topic is built)."""


def demo_events_create(*, slug: str, country: str, language: str) -> int:
    return 0
