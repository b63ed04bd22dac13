"""Posters and stills: check an upload by its content, clean it, make a thumbnail and store it.

Files live in ``UPLOAD_FOLDER/<entry id>/`` under random names, never under ``static/``; they are
served by an authorised view. A file written during a transaction that is rolled back is removed,
and a file whose row is deleted is removed only once the deletion is committed (see
``install_file_hooks``), so the folder and the ``entry_image`` table never disagree for long.
"""

from __future__ import annotations

import io
import logging
import math
import os
import secrets
import tempfile
import threading
import warnings
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy.orm import Session
from werkzeug.utils import secure_filename

from festival.submissions.errors import UploadBusy, UploadRejected

log = logging.getLogger(__name__)

# Pillow's name for the detected format -> (stored MIME type, file extension). MPO is the JPEG
# variant many cameras write (a JPEG with extra frames); it is kept as a plain JPEG.
ACCEPTED_FORMATS = {
    "JPEG": ("image/jpeg", ".jpg"),
    "MPO": ("image/jpeg", ".jpg"),
    "PNG": ("image/png", ".png"),
    "WEBP": ("image/webp", ".webp"),
}
SAVE_FORMAT = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
EXTENSIONS = dict(ACCEPTED_FORMATS.values())
THUMB_SIZE = 400
THUMB_SUFFIX = ".thumb.jpg"
# Stored images are at most this many pixels on their long side (an A4 page at 300 dpi is 3508): a
# larger upload is decoded at a reduced size where its format allows it (JPEG) and reduced by a whole
# factor (a 5000-pixel side becomes 2500).
STORED_MAX_SIDE = 3600
# Metadata kept when re-encoding: colour and transparency only (EXIF, XMP, comments with
# GPS positions or camera serial numbers are dropped).
KEPT_INFO = ("icc_profile", "transparency")

_NEW_FILES = "festival.uploads.new"
_DOOMED_FILES = "festival.uploads.doomed"


_slots = threading.Condition()
_decoding: Counter[int] = Counter()  # user id -> images being decoded in this process


@contextmanager
def decoding_slot(user_id: int, *, per_process: int, per_user: int, wait: float) -> Iterator[None]:
    """Hold one of the process's ``per_process`` decoding slots, and one of the user's ``per_user``, while
    an upload is decoded. A user over their share is refused at once; otherwise a free slot is awaited
    for up to ``wait`` seconds (a decode takes one or two). Raises UploadBusy. Decoding needs up to about
    15 bytes a pixel (a WebP: bench/upload_memory.py) and UPLOAD_MAX_PIXELS bounds the pixels, so these
    caps bound a worker's memory."""
    with _slots:
        if _decoding[user_id] >= per_user:
            raise UploadBusy(
                _("You are already uploading an image. Please wait until it is done, then try again.")
            )
        if not _slots.wait_for(lambda: _decoding.total() < per_process, timeout=wait):
            raise UploadBusy(_("Many images are being uploaded just now. Please try again in a moment."))
        _decoding[user_id] += 1
    try:
        yield
    finally:
        with _slots:
            _decoding[user_id] -= 1
            if _decoding[user_id] <= 0:
                del _decoding[user_id]
            _slots.notify()


@dataclass(frozen=True)
class CleanImage:
    """A checked, re-encoded image and its thumbnail, ready to be stored."""

    data: bytes
    thumbnail: bytes
    mime_type: str
    extension: str
    width: int
    height: int


def _read_limited(stream: BinaryIO, max_bytes: int) -> bytes:
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UploadRejected(
            _("The file is larger than %(mb)s MB. Please upload a smaller image.", mb=megabytes(max_bytes))
        )
    if not data:
        raise UploadRejected(_("The file is empty."))
    return data


def megabytes(n: int) -> str:
    """A byte count as megabytes for messages ("10")."""
    return f"{n / (1024 * 1024):g}"


def _factor(size: tuple[int, int]) -> int:
    """The whole factor that brings an image's long side to STORED_MAX_SIDE or less."""
    return max(1, math.ceil(max(size) / STORED_MAX_SIDE))


def _shrink(image: Image.Image) -> Image.Image:
    """The image at most STORED_MAX_SIDE on its long side, reduced by a whole factor (a box filter:
    one small new image, never a second full-size one); the original is closed."""
    factor = _factor(image.size)
    if factor == 1:
        return image
    reduced = image.reduce(factor)
    reduced.format, reduced.info = image.format, image.info
    image.close()
    return reduced


def _open_checked(data: bytes, max_pixels: int) -> Image.Image:
    """Open, verify and reopen the image, decoded at a reduced size where the format allows (JPEG's
    draft mode); raise UploadRejected for anything but a sane JPEG/PNG/WebP within the pixel limit."""
    not_image = UploadRejected(_("This file is not a JPEG, PNG or WebP image (whatever its name says)."))
    try:
        with warnings.catch_warnings():
            # Pillow warns above Image.MAX_IMAGE_PIXELS (our limit): we refuse such files ourselves below
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
        with probe:
            detected = probe.format
            width, height = probe.size
            if detected not in ACCEPTED_FORMATS:
                raise not_image
            # Checked before any pixel is decoded: the header alone gives the size.
            if width * height > max_pixels:
                raise UploadRejected(
                    _(
                        "The image is %(w)d x %(h)d pixels; at most %(mp)s megapixels are accepted.",
                        w=width,
                        h=height,
                        mp=f"{max_pixels / 1_000_000:g}",
                    )
                )
            probe.verify()
        image = Image.open(io.BytesIO(data))
        if image.format in ("JPEG", "MPO"):
            # decoded at 1/2, 1/4 or 1/8 of its size when that still covers the size it is stored at
            factor = _factor((width, height))
            image.draft(image.mode, (math.ceil(width / factor), math.ceil(height / factor)))
        image.load()
        image = _shrink(image)
    except UploadRejected:
        raise
    except Image.DecompressionBombError as exc:
        raise UploadRejected(_("The image has too many pixels to be processed safely.")) from exc
    except UnidentifiedImageError as exc:
        raise not_image from exc
    except Exception as exc:  # Pillow raises many types for damaged data; all mean "not an image"
        log.info("rejected an upload that Pillow could not decode: %r", exc)
        raise UploadRejected(_("The image file is damaged or incomplete.")) from exc
    return image


def _encode(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    options: dict = {}
    if fmt == "JPEG":
        options = {"quality": 92, "optimize": True}
    elif fmt == "WEBP":
        options = {"quality": 90}
    image.save(out, fmt, **options)
    return out.getvalue()


def _thumbnail(image: Image.Image) -> bytes:
    # a new small image, never a full-size copy
    thumb = ImageOps.contain(image, (THUMB_SIZE, THUMB_SIZE), method=Image.Resampling.LANCZOS)
    if thumb.mode in ("RGBA", "LA") or (thumb.mode == "P" and "transparency" in thumb.info):
        rgba = thumb.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        thumb = background
    elif thumb.mode not in ("RGB", "L"):
        thumb = thumb.convert("RGB")
    thumb.info = {}
    return _encode(thumb, "JPEG")


def clean_image(stream: BinaryIO, *, max_bytes: int, max_pixels: int) -> CleanImage:
    """Check an uploaded file by its content and return it re-encoded without metadata, at most
    STORED_MAX_SIDE pixels on its long side.

    Raises UploadRejected when the file is too large (bytes or pixels), is not a JPEG, PNG or
    WebP image by its content (the file name and the browser's content type are not trusted),
    or cannot be decoded.
    """
    data = _read_limited(stream, max_bytes)
    image = _open_checked(data, max_pixels)
    del data
    mime_type, extension = ACCEPTED_FORMATS[image.format]
    try:
        kept = {k: v for k, v in image.info.items() if k in KEPT_INFO}
        upright = image
        # Apply the camera's rotation to the pixels (in place: no copy), then drop every other piece of
        # metadata.
        ImageOps.exif_transpose(upright, in_place=True)
        upright.info = kept
        if SAVE_FORMAT[mime_type] == "JPEG" and upright.mode not in ("RGB", "L", "CMYK"):
            upright = upright.convert("RGB")
        cleaned = _encode(upright, SAVE_FORMAT[mime_type])
        thumbnail = _thumbnail(upright)
    except Exception as exc:  # unusual pixel modes Pillow cannot convert: tell the user, not a 500
        log.info("could not re-encode an upload: %r", exc)
        raise UploadRejected(
            _("This image could not be processed; please save it as an ordinary JPEG.")
        ) from exc
    if len(cleaned) > max_bytes:
        raise UploadRejected(
            _("The file is larger than %(mb)s MB. Please upload a smaller image.", mb=megabytes(max_bytes))
        )
    return CleanImage(cleaned, thumbnail, mime_type, extension, upright.width, upright.height)


def checked_upload(user_id: int, stream: BinaryIO) -> CleanImage:
    """An uploaded image checked and cleaned under the app's limits (bytes, pixels), decoded only while
    fewer than UPLOAD_DECODES_PER_USER of this user's and UPLOAD_DECODES_PER_PROCESS in all are. Raises
    UploadBusy and UploadRejected."""
    config = current_app.config
    with decoding_slot(
        user_id,
        per_process=config["UPLOAD_DECODES_PER_PROCESS"],
        per_user=config["UPLOAD_DECODES_PER_USER"],
        wait=config["UPLOAD_DECODE_WAIT_SECONDS"],
    ):
        return clean_image(
            stream, max_bytes=config["UPLOAD_MAX_BYTES"], max_pixels=config["UPLOAD_MAX_PIXELS"]
        )


def entry_folder(entry_id: int) -> Path:
    """The folder holding one entry's images."""
    return Path(current_app.config["UPLOAD_FOLDER"]) / str(int(entry_id))


def image_path(entry_id: int, stored_name: str) -> Path:
    """Where an image is stored (the name comes from our database, never from a request)."""
    return entry_folder(entry_id) / Path(stored_name).name


def thumbnail_path(entry_id: int, stored_name: str) -> Path:
    """Where an image's thumbnail is stored."""
    return entry_folder(entry_id) / thumbnail_name(stored_name)


def thumbnail_name(stored_name: str) -> str:
    """The file name of an image's thumbnail."""
    return Path(stored_name).stem + THUMB_SUFFIX


def extension_for(mime_type: str) -> str:
    """The file extension of a stored image's MIME type."""
    return EXTENSIONS.get(mime_type, ".bin")


def new_stored_name(extension: str) -> str:
    """A random, unguessable file name with the extension of the detected format."""
    return secrets.token_hex(16) + extension


def safe_download_name(original_name: str, extension: str, fallback: str) -> str:
    """A harmless file name for Content-Disposition, with the extension of the real format."""
    stem = secure_filename(Path(original_name or "").stem)[:80] or fallback
    return stem + extension


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def store_files(session: Session, entry_id: int, stored_name: str, image: CleanImage) -> list[Path]:
    """Write an entry's image and its thumbnail; they are removed again if the transaction rolls back."""
    return store_in(session, entry_folder(entry_id), stored_name, image)


def store_in(session: Session, folder: Path, stored_name: str, image: CleanImage) -> list[Path]:
    """Write a checked image and its thumbnail into ``folder`` (the thumbnail beside it, named by
    ``thumbnail_name``); they are removed again if the transaction rolls back."""
    paths = [folder / Path(stored_name).name, folder / thumbnail_name(stored_name)]
    new = session.info.setdefault(_NEW_FILES, [])
    for path, data in zip(paths, (image.data, image.thumbnail), strict=True):
        new.append(path)
        _write_atomically(path, data)
    return paths


def remove_files(paths: list[Path]) -> None:
    """Delete files now, ignoring ones already gone."""
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:
            log.warning("could not remove %s: %s", path, exc)


def remove_after_commit(session: Session, entry_id: int, stored_name: str) -> None:
    """Remove an image's files once the transaction deleting its row commits."""
    remove_paths_after_commit(
        session, [image_path(entry_id, stored_name), thumbnail_path(entry_id, stored_name)]
    )


def remove_paths_after_commit(session: Session, paths: list[Path]) -> None:
    """Remove these files once the transaction that stops using them commits."""
    session.info.setdefault(_DOOMED_FILES, []).extend(paths)


def _after_commit(session: Session) -> None:
    session.info.pop(_NEW_FILES, None)
    remove_files(session.info.pop(_DOOMED_FILES, []))


def _after_transaction_end(session: Session, transaction) -> None:
    if transaction.parent is not None:
        return
    # Still listed here means the transaction ended without a commit: undo its writes.
    remove_files(session.info.pop(_NEW_FILES, []))
    session.info.pop(_DOOMED_FILES, None)


def install_file_hooks() -> None:
    """Tie stored files to the fate of the database transaction (idempotent)."""
    if not sa.event.contains(Session, "after_commit", _after_commit):
        sa.event.listen(Session, "after_commit", _after_commit)
        sa.event.listen(Session, "after_transaction_end", _after_transaction_end)


def image_response(image, variant: str, *, public: bool):
    """Serve an image file ("full" or "thumb") inline with safe headers; 404 when the file is gone.

    ``public`` images (posters of films in a published programme) may be cached by anyone."""
    if variant == "thumb":
        path, mime_type, extension = thumbnail_path(image.entry_id, image.stored_name), "image/jpeg", ".jpg"
    else:
        path, mime_type = image_path(image.entry_id, image.stored_name), image.mime_type
        extension = extension_for(mime_type)
    return file_response(
        path,
        mime_type,
        safe_download_name(image.original_name, extension, f"image-{image.id}"),
        public=public,
    )


def file_response(path: Path, mime_type: str, download_name: str, *, public: bool):
    """Serve a stored image inline with safe headers (no sniffing, a sandbox); 404 when the file is gone."""
    from flask import abort, send_file

    if not path.is_file():
        abort(404)
    response = send_file(
        path,
        mimetype=mime_type,
        download_name=download_name,
        as_attachment=False,
        conditional=True,
        max_age=300,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.cache_control.private = not public
    response.cache_control.public = public
    return response
