"""Screenshots of each role's main page of a running demo (`schakel demo`).

    python docs/screenshots/capture.py http://127.0.0.1:8000 $SCHAKEL_DATA_DIR/demo-accounts.txt after

writes docs/screenshots/<role>-<label>.png (desktop, half scale) and <role>-<label>-phone.png.
Uses Debian's Chromium through Playwright.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
ROLES = ["frontline", "coordinator", "analyst", "supervisor", "editor", "admin"]


def main(base: str, accounts_file: str, label: str) -> None:
    accounts = {}
    for line in Path(accounts_file).read_text().splitlines():
        if line and not line.startswith("#"):
            name, password = line.split()[:2]
            accounts[name] = password
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        for phone in (False, True):
            size = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
            suffix = "-phone" if phone else ""
            for role in ["public", *ROLES]:
                context = browser.new_context(
                    viewport=size, device_scale_factor=1 if phone else 0.75, locale="nl-NL"
                )
                page = context.new_page()
                if role == "public":
                    page.goto(f"{base}/signalen/check/")
                else:
                    page.goto(f"{base}/inloggen/")
                    page.fill("#id_username", role)
                    page.fill("#id_password", accounts[role])
                    page.get_by_role("button", name="Inloggen").click()
                    page.wait_for_load_state("networkidle")
                page.screenshot(path=str(HERE / f"{role}-{label}{suffix}.png"))
                context.close()
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:4])
