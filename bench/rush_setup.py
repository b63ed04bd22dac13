"""Create N filmmakers, each with a complete draft entry (poster included) in the open edition.

Run inside the bench stack's environment (DATABASE_URL etc.): `python -m bench.rush_setup N`; prints
JSON {"password": ..., "users": [{"email", "entry_id"}, ...]} for bench/load_deadline.py.
"""

from __future__ import annotations

import io
import json
import sys

from PIL import Image
from werkzeug.datastructures import FileStorage

from festival import create_app
from festival.auth.services import create_user
from festival.editions import open_editions
from festival.extensions import db
from festival.models.enums import FilmFormat, ImageKind
from festival.submissions import images, services
from festival.submissions.techspec import tech_fields

PASSWORD = "Rush-Hour-Deadline-2027"  # noqa: S105 (benchmark accounts on a throwaway database)


def _poster() -> FileStorage:
    buffer = io.BytesIO()
    Image.new("RGB", (600, 900), (30, 60, 120)).save(buffer, "PNG")
    buffer.seek(0)
    return FileStorage(stream=buffer, filename="poster.png", content_type="image/png")


def _tech_spec(fmt: FilmFormat) -> dict:
    spec = {}
    for field in tech_fields(fmt):
        if field.kind == "choice":
            spec[field.key] = next(iter(field.options))
        elif field.kind == "yesno":
            spec[field.key] = True
        else:
            spec[field.key] = "n/a"
    return spec


def main() -> None:
    """Create the users and drafts and print them as JSON."""
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    app = create_app()
    out = {"password": PASSWORD, "users": []}
    with app.app_context():
        edition = open_editions()[0]
        for i in range(count):
            user = create_user(
                email=f"rush{i}@bench.example.org",
                name=f"Rush Filmmaker {i}",
                password=PASSWORD,
                confirmed=True,
            )
            entry = services.create_entry(edition, owner=user)
            entry.title_original = entry.title_en = f"Rush Film {i}"
            entry.format = FilmFormat.DOME
            entry.runtime_minutes = 30
            entry.year = 2026
            entry.country = "Germany"
            entry.languages = "English"
            entry.subtitles = "Chinese"
            entry.synopsis_short = "A film about the sky."
            entry.synopsis_long = "A longer synopsis."
            entry.audiences = ["families"]
            entry.premiere_status = "none"
            entry.director = entry.production_company = entry.rights_holder = entry.contact_name = (
                "Rush Studio"
            )
            entry.contact_email = f"rush{i}@bench.example.org"
            entry.contact_phone = "+49 30 1234567"
            entry.delivery = "file"
            entry.sound_format = "5.1"
            entry.tech_spec = _tech_spec(FilmFormat.DOME)
            entry.trailer_url = "https://example.org/trailer"
            entry.screener_url = "https://example.org/screener"
            db.session.flush()
            images.add_image(entry, actor=user, kind=ImageKind.POSTER, upload=_poster())
            db.session.commit()
            out["users"].append({"email": user.email, "entry_id": entry.id})
    print(json.dumps(out))


if __name__ == "__main__":
    main()
