"""`make screenshots` (scripts/screenshots.py) keeps working: it runs here into a
temporary folder, and every picture the README and docs/ show is taken."""

import re
import struct
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent.parent
CHROMIUM = Path("/usr/bin/chromium")


def png_size(path):
    with path.open("rb") as image:
        header = image.read(24)
    assert header[:8] == b"\x89PNG\r\n\x1a\n", path
    return struct.unpack(">II", header[16:24])


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's Chromium")
def test_the_screenshot_script_takes_every_picture_the_documentation_shows(tmp_path):
    done = subprocess.run(
        [sys.executable, str(BASE_DIR / "scripts" / "screenshots.py")],
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "SCREENSHOTS_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    pages = [BASE_DIR / "README.md", *sorted((BASE_DIR / "docs").glob("*.md"))]
    text = "\n".join(page.read_text() for page in pages)
    shown = set(re.findall(r"screenshots/([\w-]+\.png)", text))
    taken = {path.name for path in tmp_path.glob("*.png")}
    assert len(shown) >= 7  # the README's and those of docs/testing.md and docs/accounts.md
    assert shown <= taken
    assert png_size(tmp_path / "phone-articles-light.png") == (390, 844)
    assert png_size(tmp_path / "desktop-two-factor.png") == (1280, 800)
