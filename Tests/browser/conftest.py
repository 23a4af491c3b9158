"""Real-browser checks against a running `terreau demo` (headless Chromium from Debian)."""
import importlib.util
import os
import shutil

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

BASE_URL = os.environ.get("TERREAU_BASE_URL", "http://127.0.0.1:8080")
SHOTS = os.environ.get("TERREAU_SCREENSHOTS", "/tmp/terreau-screenshots")


def _driver(javascript=True, width=1280, height=900, phone=False, logging=False):
    options = webdriver.ChromeOptions()
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary:
        options.binary_location = binary
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", f"--window-size={width},{height}", "--lang=fr-FR"):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {
        "profile.managed_default_content_settings.javascript": 1 if javascript else 2,
        "intl.accept_languages": "fr-FR,fr",
    })
    if phone:
        # A real window cannot be narrower than ~500 px; emulate the 360 px phone viewport.
        options.add_experimental_option("mobileEmulation", {"deviceMetrics": {"width": width, "height": height, "pixelRatio": 2}})
    if logging:
        # Chromium's DevTools events, read back to count page loads.
        options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    # Debian's chromedriver; selenium must not try to download one (no internet here).
    service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    return webdriver.Chrome(options=options, service=service)


def axe_core_script():
    """axe-selenium-python drives the audit, but its bundled axe-core is 3.1 (2018), which lacks
    most WCAG 2.1 rules. axe-playwright-python (installed without its dependencies) ships a
    current axe-core build; use that file when it is there."""
    spec = importlib.util.find_spec("axe_playwright_python")
    if spec and spec.origin:
        candidate = os.path.join(os.path.dirname(spec.origin), "axe.min.js")
        if os.path.exists(candidate):
            return candidate
    raise RuntimeError("axe-core introuvable : installez axe-playwright-python (pip install --no-deps).")


@pytest.fixture(scope="session")
def base_url():
    return BASE_URL


@pytest.fixture(scope="session")
def screenshots():
    os.makedirs(SHOTS, exist_ok=True)
    return SHOTS


@pytest.fixture(scope="module")
def browser():
    driver = _driver()
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def browser_without_js():
    driver = _driver(javascript=False)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def phone():
    driver = _driver(width=360, height=780, phone=True)
    yield driver
    driver.quit()
