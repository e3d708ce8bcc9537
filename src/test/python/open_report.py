"""Opens the management report in a real headless browser (Debian's Chromium, driven by Playwright) and prints
what a reader would meet: the images that did not decode, console errors, page errors and failed requests.

Usage: open_report.py REPORT.html CHROMIUM
Prints one JSON object; exits 0 when the page loaded with every image decoded and no error, 1 otherwise.
"""
import json
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright


def main(report: str, chromium: str) -> int:
    errors, failed, requests = [], [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("requestfailed", lambda r: failed.append(r.url[:120]))
        # Any request beyond the file itself would mean the report is not self-contained.
        page.on("request", lambda r: requests.append(r.url[:120]) if not r.url.startswith("data:") else None)
        page.goto(Path(report).resolve().as_uri(), wait_until="load")
        images = page.evaluate(
            "Array.from(document.images).map(i => ({alt: i.alt, complete: i.complete, width: i.naturalWidth,"
            " height: i.naturalHeight}))")
        figures = page.evaluate("Array.from(document.querySelectorAll('figure')).map(f => f.id)")
        captions = page.evaluate("Array.from(document.querySelectorAll('figure figcaption')).map(c => c.innerText)")
        title = page.title()
        browser.close()
    broken = [i["alt"] for i in images if not i["complete"] or i["width"] == 0]
    result = {"title": title, "figures": figures, "images": len(images), "broken_images": broken,
              "empty_captions": sum(1 for c in captions if not c.strip()), "errors": errors,
              "failed_requests": failed, "requests": requests}
    print(json.dumps(result))
    ok = not broken and not errors and not failed and len(requests) == 1 and result["empty_captions"] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
