"""``--format html`` rendered by headless Chromium: a real screenshot, and the page's structure."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from aligner.cli import render
from golden.make import load_report
from test_views import check_html_structure

CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)


def _chromium():
    if CHROMIUM:
        return CHROMIUM
    if os.environ.get("CI"):
        pytest.fail("chromium is not installed but CI is set: .ci/run must install the Debian package 'chromium'")
    pytest.skip("chromium not installed (apt-get install chromium); under CI=true this test fails instead")


def screenshot(page: Path, png: Path, profile: Path) -> None:
    cmd = [
        _chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={profile}", f"--screenshot={png}", "--window-size=1200,2000", page.resolve().as_uri(),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert png.is_file(), (proc.returncode, proc.stderr[-2000:])


def png_pixels(png: Path) -> tuple[int, int, list[bytes]]:
    """Width, height and the (unfiltered) rows of an 8-bit RGB/RGBA PNG."""
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        chunk = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    width, height, depth, color, _, _, interlace = header
    assert depth == 8 and color in (2, 6) and interlace == 0, header
    bpp = 3 if color == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        ftype, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b, c = prev[x], (prev[x - bpp] if x >= bpp else 0)
            if ftype == 1:
                line[x] = (line[x] + a) & 0xFF
            elif ftype == 2:
                line[x] = (line[x] + b) & 0xFF
            elif ftype == 3:
                line[x] = (line[x] + (a + b) // 2) & 0xFF
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        rows.append(bytes(line))
        prev = line
    return width, height, rows


def test_html_page_renders_in_headless_chromium(tmp_path):
    report = load_report()
    page_text = render(report, "html", scores=True)
    check_html_structure(page_text, report)
    page = tmp_path / "report.html"
    page.write_text(page_text, encoding="utf-8")
    png = tmp_path / "report.png"
    screenshot(page, png, tmp_path / "profile")
    assert png.stat().st_size > 20_000  # a blank 1200x2000 page compresses to a few KB
    width, height, rows = png_pixels(png)
    assert (width, height) == (1200, 2000)
    colours = {row[x : x + 3] for row in rows[::7] for x in range(0, len(row), 3 * 5)}
    assert len(colours) > 50, len(colours)  # text, four kind colours, borders: far from one colour
    # the kind backgrounds are there: shared (#e3f6e5), only left (#ffe4e1), only right (#dff3fb)
    for rgb in (b"\xe3\xf6\xe5", b"\xff\xe4\xe1", b"\xdf\xf3\xfb"):
        assert any(rgb in row for row in rows[::5]), rgb.hex()
    if os.environ.get("ALIGNER_KEEP_SCREENSHOT"):
        shutil.copy(png, os.environ["ALIGNER_KEEP_SCREENSHOT"])
