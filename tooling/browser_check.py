"""Drive app.py's page in headless Chromium, as a learner would; print JSON.

    python -m tooling.browser_check --output-dir outputs --screenshot page.png [--bad-file FILE]

Run by tests/test_app.py, inside a network namespace with only the loopback
interface where the system allows it, so the app and the browser have no
network at all. Starts python app.py --no-browser, uploads the example boot,
reads the answer and the 28x28 picture, saves a screenshot, uploads a file
over 20 MB and a bad file, then the example pullover, and lists every request the browser made to
a host other than this computer (from Chromium's performance log).
"""

import argparse
import json
import os
import shutil
import socket
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from lesson.names import REPO

from tooling.shared import start_app, stop_app

IMAGES = REPO / "docs" / "images"
WAIT_SECONDS = 60
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
# Debian's chromium as root, headless, with nothing that phones home.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,960",
    "--lang=en-US",
)


def find_browser():
    """(chromium, chromedriver) paths, or None for each that is not installed."""
    browser = os.environ.get("CHROMIUM") or next(
        filter(
            None,
            map(shutil.which, ("chromium", "chromium-browser", "google-chrome")),
        ),
        None,
    )
    driver = os.environ.get("CHROMEDRIVER") or shutil.which("chromedriver")
    return browser, driver


def foreign_requests(log):
    """URLs of requests in a performance log that went to another host."""
    urls = []
    for entry in log:
        message = json.loads(entry["message"])["message"]
        if message["method"] not in (
            "Network.requestWillBeSent",
            "Network.webSocketCreated",
        ):
            continue
        params = message["params"]
        url = params.get("request", {}).get("url") or params.get("url", "")
        parts = urlsplit(url)
        if parts.scheme in ("http", "https", "ws", "wss"):
            if parts.hostname not in LOCAL_HOSTS:
                urls.append(url)
    return urls


def check_page(url, screenshot, bad_file):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser, driver_path = find_browser()
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    too_large = Path(profile) / "huge.jpg"
    with open(too_large, "wb") as huge:  # sparse: no disk used
        huge.truncate(21 * 1024 * 1024)
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    wait = WebDriverWait(driver, WAIT_SECONDS)
    seen = {}

    def text(element_id):
        found = driver.find_elements(By.ID, element_id)
        return found[0].text if found else ""

    def upload(path):
        # A new photo replaces the old one: remove it first, as a learner would.
        for button in driver.find_elements(By.CSS_SELECTOR, "#photo button"):
            if button.get_attribute("aria-label") == "Remove Image":
                button.click()
        wait.until(
            lambda d: d.find_elements(By.CSS_SELECTOR, "#photo input[type=file]")
        )
        driver.find_element(By.CSS_SELECTOR, "#photo input[type=file]").send_keys(
            str(path)
        )

    try:
        driver.get(url)
        upload(IMAGES / "example_boot.jpg")
        wait.until(lambda d: "%" in text("bars"))
        wait.until(
            lambda d: d.execute_script(
                "const i = document.querySelector('#seen img');"
                "return i !== null && i.complete && i.naturalWidth > 0;"
            )
        )
        seen["boot"] = text("bars")
        seen["picture"] = driver.execute_script(
            "const i = document.querySelector('#seen img');"
            "return [i.naturalWidth, i.naturalHeight, getComputedStyle(i).imageRendering];"
        )
        driver.save_screenshot(str(screenshot))
        upload(too_large)
        wait.until(lambda d: "exceed" in d.find_element(By.TAG_NAME, "body").text)
        seen["too_large"] = next(
            line
            for line in driver.find_element(By.TAG_NAME, "body").text.splitlines()
            if "exceed" in line
        )
        upload(bad_file)
        wait.until(lambda d: text("message").strip())
        seen["bad_file"] = text("message")
        seen["bars_after_bad_file"] = text("bars")
        upload(IMAGES / "example_pullover.jpg")
        wait.until(lambda d: "%" in text("bars"))
        seen["pullover"] = text("bars")
        seen["page"] = driver.find_element(By.TAG_NAME, "body").text
        seen["foreign_requests"] = foreign_requests(driver.get_log("performance"))
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
    return seen


def main(argv=None):
    flags = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], allow_abbrev=False
    )
    flags.add_argument("--output-dir", required=True, help="the models' folder")
    flags.add_argument("--screenshot", required=True, help="PNG to save")
    flags.add_argument(
        "--bad-file", help="a file that is no image (default: a short text file)"
    )
    args = flags.parse_args(argv)
    if args.bad_file is None:
        args.bad_file = Path(tempfile.mkdtemp()) / "notes.png"
        args.bad_file.write_text("this is text")
    process, url = start_app("--output-dir", args.output_dir)
    try:
        seen = check_page(url, args.screenshot, args.bad_file)
    finally:
        seen_stderr = stop_app(process)
    seen["url"] = url
    seen["app_stderr"] = seen_stderr
    seen["network_interfaces"] = sorted(name for _, name in socket.if_nameindex())
    print(json.dumps(seen))
    return 0


if __name__ == "__main__":
    sys.exit(main())
