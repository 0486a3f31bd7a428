import os
import shutil
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if CHROMIUM is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is missing: `make test` installs it (apt-get install chromium).")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(autouse=True)
def _no_content_security_policy_violations(request: pytest.FixtureRequest) -> Any:
    """Chromium reports what the Content-Security-Policy blocked in the console: any such
    message fails the test (an inline script or style slipped into a page). Refused framing
    (``frame-ancestors``) is expected where a test checks it."""
    if "browser" not in request.fixturenames:
        yield
        return
    browser = request.getfixturevalue("browser")
    violations: list[str] = []
    original = browser.new_context

    def new_context(*args: Any, **kwargs: Any) -> Any:
        context = original(*args, **kwargs)

        def on_console(message: Any) -> None:
            text = message.text
            if "Content Security Policy" in text and "frame-ancestors" not in text:
                violations.append(f"{message.page.url if message.page else ''}: {text}")

        context.on("console", on_console)
        return context

    browser.new_context = new_context
    try:
        yield
    finally:
        browser.new_context = original
    assert not violations, "\n".join(violations)
