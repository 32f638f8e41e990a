import os

import pytest

os.environ.setdefault("HOCVUSO_TESTING", "1")
# Playwright's sync API keeps an event loop running in the test thread; the
# Django ORM calls the tests make there are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("HOCVUSO_CHROMIUM", "/usr/bin/chromium")
# Flags for a closed network: no background connections, no first-run UI.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import expect, sync_playwright

    # CI machines are small and busy: give pages time before an expectation fails.
    expect.set_options(timeout=15_000)

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make test`, which installs it.")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def phone_page(chromium):
    """A page the size of a cheap phone's screen, in Vietnamese."""
    context = chromium.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN", device_scale_factor=1)
    page = context.new_page()
    yield page
    context.close()
