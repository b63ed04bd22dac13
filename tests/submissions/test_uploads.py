"""Posters and stills: checked by content, size limits, stored outside static/ under random names,
thumbnails, metadata stripped, served only to those allowed, with safe headers."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image
from sqlalchemy.exc import OperationalError

from festival.extensions import db
from festival.models import EntryImage
from festival.models.enums import EntryStatus, ImageKind
from festival.submissions import images, uploads
from tests.factories import image_bytes


def _upload(client, entry, data: bytes, name="poster.jpg", kind="poster", content_type="image/jpeg"):
    return client.post(
        f"/entries/{entry.id}/images",
        data={"kind": kind, "image": (io.BytesIO(data), name, content_type)},
        content_type="multipart/form-data",
    )


def _images(entry) -> list[EntryImage]:
    return list(db.session.scalars(sa.select(EntryImage).where(EntryImage.entry_id == entry.id)))


def _files(app) -> list[Path]:
    root = Path(app.config["UPLOAD_FOLDER"])
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def entry(make, edition, filmmaker):
    entry = make.entry(edition, filmmaker)
    db.session.commit()
    return entry


@pytest.fixture
def logged_in(client, auth, filmmaker):
    auth.login_as(filmmaker)
    return client


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_jpeg_png_and_webp_are_accepted_and_stored_with_a_thumbnail(app, logged_in, entry, fmt):
    response = _upload(logged_in, entry, image_bytes(fmt, (1600, 900)), name=f"Poster Final.{fmt.lower()}")
    assert response.status_code == 303
    (image,) = _images(entry)
    assert image.kind == ImageKind.POSTER
    assert image.mime_type == {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}[fmt]
    assert (image.width, image.height) == (1600, 900)
    assert image.original_name == f"Poster Final.{fmt.lower()}"
    stored = uploads.image_path(entry.id, image.stored_name)
    thumb = uploads.thumbnail_path(entry.id, image.stored_name)
    assert stored.is_file() and thumb.is_file()
    assert "Poster" not in image.stored_name and len(Path(image.stored_name).stem) == 32
    assert "static" not in stored.parts
    with Image.open(thumb) as t:
        assert t.format == "JPEG" and max(t.size) == 400


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (b"Just some text pretending to be a poster.\n" * 20, "image/jpeg"),
        (b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n", "image/jpeg"),
        (image_bytes("GIF", (200, 200)), "image/jpeg"),
        (image_bytes("BMP", (200, 200)), "image/jpeg"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "image/jpeg"),
    ],
    ids=["text", "pdf", "gif", "bmp", "svg"],
)
def test_wrong_type_disguised_as_poster_jpg_is_refused(app, logged_in, entry, data, content_type):
    response = _upload(logged_in, entry, data, name="poster.jpg", content_type=content_type)
    assert response.status_code == 422
    assert "not a JPEG, PNG or WebP image" in response.get_data(as_text=True)
    assert _images(entry) == []
    assert _files(app) == []


def test_truncated_jpeg_is_refused(app, logged_in, entry):
    data = image_bytes("JPEG", (800, 600))
    response = _upload(logged_in, entry, data[: len(data) // 2])
    assert response.status_code == 422
    assert _images(entry) == [] and _files(app) == []


def test_png_named_jpg_is_stored_as_what_it_really_is(logged_in, entry):
    _upload(logged_in, entry, image_bytes("PNG"), name="poster.jpg")
    (image,) = _images(entry)
    assert image.mime_type == "image/png" and image.stored_name.endswith(".png")


class TestLimits:
    @pytest.fixture
    def app_overrides(self):
        return {"UPLOAD_MAX_BYTES": 200_000, "UPLOAD_MAX_PIXELS": 1_000_000}

    def test_file_over_the_byte_limit_is_refused(self, app, logged_in, entry):
        noisy = Image.effect_noise((600, 600), 100).convert("RGB")
        out = io.BytesIO()
        noisy.save(out, "PNG")
        assert len(out.getvalue()) > 200_000
        response = _upload(logged_in, entry, out.getvalue(), name="big.png")
        assert response.status_code == 422
        assert "larger than" in response.get_data(as_text=True)
        assert _images(entry) == [] and _files(app) == []

    def test_image_over_the_pixel_limit_is_refused_before_decoding(self, app, logged_in, entry):
        data = image_bytes("PNG", (1200, 1000))  # 1.2 megapixels, a small file
        assert len(data) < 200_000
        response = _upload(logged_in, entry, data, name="huge.png")
        assert response.status_code == 422
        assert "megapixels" in response.get_data(as_text=True)
        assert _images(entry) == [] and _files(app) == []


def test_ten_megabyte_limit_by_default(app, logged_in, entry):
    assert app.config["UPLOAD_MAX_BYTES"] == 10 * 1024 * 1024
    data = b"\xff\xd8\xff\xe0" + b"\0" * (10 * 1024 * 1024)
    response = _upload(logged_in, entry, data)
    assert response.status_code == 422
    assert "larger than 10 MB" in response.get_data(as_text=True)


def _png_claiming(width: int, height: int) -> bytes:
    """A small PNG whose header claims the given size (as a decompression bomb would)."""
    data = bytearray(image_bytes("PNG", (1, 1)))
    ihdr = data.index(b"IHDR")
    data[ihdr + 4 : ihdr + 12] = struct.pack(">II", width, height)
    data[ihdr + 17 : ihdr + 21] = struct.pack(">I", zlib.crc32(bytes(data[ihdr : ihdr + 17])))
    return bytes(data)


@pytest.mark.parametrize("side", [7000, 20000], ids=["over-our-limit", "over-pillows-bomb-limit"])
def test_decompression_bomb_is_refused(app, logged_in, entry, side):
    response = _upload(logged_in, entry, _png_claiming(side, side), name="bomb.png")
    assert response.status_code == 422
    assert "pixels" in response.get_data(as_text=True)
    assert _images(entry) == [] and _files(app) == []


def test_exif_and_gps_metadata_are_removed(logged_in, entry):
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif.get_ifd(0x8825)[2] = (39.0, 54.0, 0.0)  # GPS latitude
    data = image_bytes("JPEG", (800, 600), exif=exif.tobytes(), comment=b"private note")
    with Image.open(io.BytesIO(data)) as original:
        assert original.getexif().get(0x010F) == "SecretCam"
    _upload(logged_in, entry, data)
    (image,) = _images(entry)
    stored = uploads.image_path(entry.id, image.stored_name).read_bytes()
    assert b"SecretCam" not in stored and b"private note" not in stored
    with Image.open(io.BytesIO(stored)) as cleaned:
        assert len(cleaned.getexif()) == 0


def test_exif_rotation_is_applied_before_stripping(logged_in, entry):
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise on display
    _upload(logged_in, entry, image_bytes("JPEG", (800, 600), exif=exif.tobytes()))
    (image,) = _images(entry)
    assert (image.width, image.height) == (600, 800)


def test_a_new_poster_replaces_the_old_one(app, logged_in, entry):
    _upload(logged_in, entry, image_bytes("JPEG"))
    (old,) = _images(entry)
    old_path = uploads.image_path(entry.id, old.stored_name)
    _upload(logged_in, entry, image_bytes("PNG"), name="new.png")
    (new,) = _images(entry)
    assert new.mime_type == "image/png"
    assert not old_path.exists()
    assert len(_files(app)) == 2  # the new image and its thumbnail


def test_at_most_six_stills(logged_in, entry):
    for n in range(6):
        assert (
            _upload(logged_in, entry, image_bytes("JPEG"), name=f"still{n}.jpg", kind="still").status_code
            == 303
        )
    response = _upload(logged_in, entry, image_bytes("JPEG"), name="still7.jpg", kind="still")
    assert response.status_code == 422
    assert "at most 6 stills" in response.get_data(as_text=True)
    assert len(_images(entry)) == 6


def test_stills_can_be_reordered_and_deleted(logged_in, entry):
    for n in range(3):
        _upload(logged_in, entry, image_bytes("JPEG"), name=f"still{n}.jpg", kind="still")
    by_name = {i.original_name: i for i in _images(entry)}
    assert [by_name[f"still{n}.jpg"].position for n in range(3)] == [1, 2, 3]
    logged_in.post(f"/entries/{entry.id}/images/{by_name['still2.jpg'].id}/move", data={"offset": "-1"})
    db.session.expire_all()
    assert {i.original_name: i.position for i in _images(entry)} == {
        "still0.jpg": 1,
        "still2.jpg": 2,
        "still1.jpg": 3,
    }
    path = uploads.image_path(entry.id, by_name["still0.jpg"].stored_name)
    logged_in.post(f"/entries/{entry.id}/images/{by_name['still0.jpg'].id}/delete")
    db.session.expire_all()
    assert {i.original_name: i.position for i in _images(entry)} == {"still2.jpg": 1, "still1.jpg": 2}
    assert not path.exists()


def test_a_submitted_entry_keeps_its_poster(logged_in, entry, filmmaker):
    _upload(logged_in, entry, image_bytes("JPEG"))
    (poster,) = _images(entry)
    entry.status, entry.reference, entry.number = EntryStatus.SUBMITTED, "X-0001", 1
    entry.submitted_at = entry.created_at
    db.session.commit()
    response = logged_in.post(f"/entries/{entry.id}/images/{poster.id}/delete", follow_redirects=True)
    assert "needs its poster" in response.get_data(as_text=True)
    assert len(_images(entry)) == 1


def test_files_are_removed_when_the_database_write_fails(app, entry, filmmaker, monkeypatch):
    from werkzeug.datastructures import FileStorage

    def failing_flush(*args, **kwargs):
        raise OperationalError("INSERT", {}, Exception("disk full"))

    upload = FileStorage(io.BytesIO(image_bytes("JPEG")), filename="poster.jpg")
    monkeypatch.setattr(db.session, "flush", failing_flush)
    with pytest.raises(OperationalError):
        images.add_image(entry, actor=filmmaker, kind="poster", upload=upload)
    monkeypatch.undo()
    db.session.rollback()
    assert _files(app) == []


def test_files_are_removed_when_the_transaction_rolls_back(app, entry, filmmaker):
    from werkzeug.datastructures import FileStorage

    upload = FileStorage(io.BytesIO(image_bytes("JPEG")), filename="poster.jpg")
    images.add_image(entry, actor=filmmaker, kind="poster", upload=upload)
    assert len(_files(app)) == 2
    db.session.rollback()
    assert _files(app) == []


def test_image_is_served_to_its_owner_with_safe_headers(logged_in, entry):
    _upload(logged_in, entry, image_bytes("PNG"), name='my "poster" <1>.jpg')
    (image,) = _images(entry)
    response = logged_in.get(f"/entries/{entry.id}/images/{image.id}/full")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("inline;") and disposition.endswith('.png"') or disposition.endswith(".png")
    assert '"my' not in disposition and "<" not in disposition
    assert "private" in response.headers["Cache-Control"]
    thumb = logged_in.get(f"/entries/{entry.id}/images/{image.id}/thumb")
    assert thumb.status_code == 200 and thumb.headers["Content-Type"] == "image/jpeg"


def test_images_are_hidden_from_other_filmmakers_and_curators(
    client, auth, logged_in, entry, other_filmmaker, make
):
    _upload(logged_in, entry, image_bytes("JPEG"))
    (image,) = _images(entry)
    url = f"/entries/{entry.id}/images/{image.id}/full"
    auth.login_as(other_filmmaker)
    assert client.get(url).status_code == 404
    auth.login_as(make.user(role="curator"))
    db.session.commit()
    assert client.get(url).status_code == 404
    auth.logout()
    assert client.get(url).status_code == 302  # to the login


def test_staff_see_the_images(client, auth, logged_in, entry, staff):
    _upload(logged_in, entry, image_bytes("JPEG"))
    (image,) = _images(entry)
    auth.login_as(staff)
    assert client.get(f"/entries/{entry.id}/images/{image.id}/thumb").status_code == 200
    assert f"/entries/{entry.id}/images/{image.id}/thumb" in client.get(f"/entries/{entry.id}").get_data(
        as_text=True
    )


def test_an_image_of_another_entry_is_not_served_through_mine(
    logged_in, entry, make, edition, other_filmmaker, filmmaker
):
    other = make.entry(edition, other_filmmaker)
    db.session.commit()
    from werkzeug.datastructures import FileStorage

    images.add_image(
        other, actor=other_filmmaker, kind="poster", upload=FileStorage(io.BytesIO(image_bytes("JPEG")))
    )
    db.session.commit()
    (foreign,) = _images(other)
    assert logged_in.get(f"/entries/{entry.id}/images/{foreign.id}/full").status_code == 404
    assert logged_in.post(f"/entries/{entry.id}/images/{foreign.id}/delete").status_code == 404


# ---------------------------------------------------------------- bounded decoding (issue 15, item 5)


def test_the_reviews_forty_megapixel_png_of_a_few_kilobytes_is_refused_before_decoding(app, logged_in, entry):
    data = image_bytes("PNG", (6300, 6300), alpha=True, optimize=True)
    assert len(data) < 400_000  # the review's file: ~170 KB that would take ~600 MB to decode
    response = _upload(logged_in, entry, data, name="bomb.png", content_type="image/png")
    assert response.status_code == 422
    assert "6300 x 6300 pixels; at most 25 megapixels" in response.get_data(as_text=True)
    assert _images(entry) == [] and _files(app) == []
    assert Image.MAX_IMAGE_PIXELS == app.config["UPLOAD_MAX_PIXELS"] == 25_000_000


@pytest.mark.parametrize(("fmt", "size", "stored"), [("JPEG", (6000, 4000), (3000, 2000)),
                                                      ("PNG", (4000, 3000), (2000, 1500))])  # fmt: skip
def test_a_large_image_is_decoded_and_stored_at_a_reduced_size(logged_in, entry, fmt, size, stored):
    response = _upload(logged_in, entry, image_bytes(fmt, size), name=f"big.{fmt.lower()}")
    assert response.status_code == 303
    (image,) = _images(entry)
    assert (image.width, image.height) == stored
    with Image.open(uploads.image_path(entry.id, image.stored_name)) as kept:
        assert kept.size == stored
    with Image.open(uploads.thumbnail_path(entry.id, image.stored_name)) as thumb:
        assert max(thumb.size) == uploads.THUMB_SIZE


def test_an_unconfirmed_address_cannot_upload(app, logged_in, entry, filmmaker):
    filmmaker.email_confirmed_at = None
    db.session.commit()
    response = _upload(logged_in, entry, image_bytes("JPEG"))
    assert response.status_code == 422
    assert "Please confirm your e-mail address before uploading images" in response.get_data(as_text=True)
    assert _images(entry) == [] and _files(app) == []


def test_a_user_decodes_one_upload_at_a_time(app, logged_in, entry, filmmaker):
    with uploads.decoding_slot(filmmaker.id, per_process=5, per_user=1, wait=0):  # an upload in flight
        response = _upload(logged_in, entry, image_bytes("JPEG"))
    assert response.status_code == 429 and response.headers["Retry-After"] == "5"
    assert "You are already uploading an image" in response.get_data(as_text=True)
    assert _images(entry) == [] and _files(app) == []
    assert _upload(logged_in, entry, image_bytes("JPEG")).status_code == 303  # once it is done


class TestBusyProcess:
    @pytest.fixture
    def app_overrides(self):
        return {"UPLOAD_DECODE_WAIT_SECONDS": 0.2}

    def test_a_busy_process_asks_to_try_again_in_a_moment(self, app, logged_in, entry, make):
        someone_else = make.user()
        with uploads.decoding_slot(someone_else.id, per_process=1, per_user=1, wait=0):
            response = _upload(logged_in, entry, image_bytes("JPEG"))
        assert response.status_code == 429
        assert "Please try again in a moment." in response.get_data(as_text=True)
        assert _images(entry) == []
        assert _upload(logged_in, entry, image_bytes("JPEG")).status_code == 303

    def test_a_waiting_upload_goes_through_when_the_slot_frees_in_time(self, app, make):
        import threading

        someone_else = make.user()
        held, release, took = threading.Event(), threading.Event(), []

        def upload_in_flight():
            with uploads.decoding_slot(someone_else.id, per_process=1, per_user=1, wait=0):
                held.set()
                release.wait(5)

        thread = threading.Thread(target=upload_in_flight)
        thread.start()
        held.wait(5)
        threading.Timer(0.05, release.set).start()
        with uploads.decoding_slot(make.user().id, per_process=1, per_user=1, wait=5):
            took.append(True)
        thread.join(5)
        assert took == [True]
