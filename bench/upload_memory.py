"""Peak memory and time of checking one uploaded image (festival.submissions.uploads.clean_image).

The image files are made first; then each is checked in a fresh process, which reads the file, notes
its resident memory (and restarts its peak count from there), checks the upload and reports how far
above that its peak resident memory went and how long the check took. The issue-15
case: a 6300 x 6300 RGBA PNG of about 170 KB (few bytes, 40 megapixels). Run from a checkout:

    .venv/bin/python bench/upload_memory.py
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path.cwd()
CASES = (
    ("PNG", "RGBA", 6300, 6300),  # the file: 40 MP, compresses to ~170 KB
    ("PNG", "RGBA", 4999, 4999),  # just under 25 MP, the largest square PNG accepted now
    ("JPEG", "RGB", 6000, 4000),  # a 24 MP camera photo
    ("WEBP", "RGB", 5000, 5000),
)


def _image_file(fmt: str, mode: str, width: int, height: int) -> bytes:
    """A compressible picture (a gradient with a few shapes) of the given size."""
    from PIL import Image, ImageDraw

    image = Image.linear_gradient("L").resize((width, height)).convert(mode)
    draw = ImageDraw.Draw(image)
    for n in range(12):
        left, top = n * width // 14, n * height // 20
        draw.ellipse((left, top, left + width // 8, top + 400))
    out = io.BytesIO()
    image.save(out, fmt, **({"quality": 90} if fmt != "PNG" else {}))
    return out.getvalue()


def _status_kib(field: str) -> int:
    """A memory figure of this process from /proc/self/status (Linux): VmRSS now, VmHWM its peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def _reset_peak() -> None:
    """Start VmHWM again from the resident memory now (Linux 4.0+: clear_refs 5)."""
    Path("/proc/self/clear_refs").write_text("5")


def run_case(path: str, label: str) -> dict:
    """Check one image file in this process; returns the figures."""
    sys.path.insert(0, str(ROOT))
    from festival import create_app
    from festival.submissions import uploads

    data = Path(path).read_bytes()
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.test_request_context():
        import gc

        gc.collect()
        _reset_peak()
        before = _status_kib("VmRSS")
        start = time.perf_counter()
        try:
            clean = uploads.clean_image(
                io.BytesIO(data),
                max_bytes=app.config["UPLOAD_MAX_BYTES"],
                max_pixels=app.config["UPLOAD_MAX_PIXELS"],
            )
            outcome = f"stored {clean.width}x{clean.height}"
        except uploads.UploadRejected as exc:
            outcome = f"refused: {str(exc)[:60]}"
        seconds = time.perf_counter() - start
    return {
        "file": label,
        "kib": len(data) // 1024,
        "rise_mib": max(0, _status_kib("VmHWM") - before) / 1024,
        "seconds": seconds,
        "outcome": outcome,
    }


def main() -> None:
    """Make the files, check each in its own process and print a table."""
    print(f"{'file':<26} {'size KB':>8} {'peak rise MiB':>14} {'seconds':>8}  outcome")
    folder = Path(tempfile.mkdtemp(prefix="upload-memory-"))
    for fmt, mode, width, height in CASES:
        path = folder / f"{width}x{height}-{mode}.{fmt.lower()}"
        path.write_bytes(_image_file(fmt, mode, width, height))
        label = f"{width}x{height} {mode} {fmt}"
        out = subprocess.run(
            [sys.executable, __file__, "--case", json.dumps([str(path), label])],
            capture_output=True, text=True, check=True, cwd=ROOT,
        )  # fmt: skip
        path.unlink()
        row = json.loads(out.stdout.strip().splitlines()[-1])
        figures = f"{row['kib']:>8} {row['rise_mib']:>14.0f} {row['seconds']:>8.2f}"
        print(f"{row['file']:<26} {figures}  {row['outcome']}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--case":
        print(json.dumps(run_case(*json.loads(sys.argv[2]))))
    else:
        main()
