"""The poster and stills of an entry: upload, replace, delete and reorder (flush, never commit)."""

from __future__ import annotations

import logging
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.datastructures import FileStorage

from festival.errors import InvalidTransition
from festival.extensions import db
from festival.models import Entry, EntryImage, User
from festival.models.enums import EntryStatus, ImageKind
from festival.submissions import uploads
from festival.submissions.completeness import MAX_STILLS
from festival.submissions.errors import UploadRejected
from festival.submissions.window import ensure_editable, ensure_owner, resolve

log = logging.getLogger(__name__)


def add_image(
    entry: Entry, *, actor: User, kind: ImageKind | str, upload: FileStorage, now: datetime | None = None
) -> EntryImage:
    """Check and store an uploaded poster or still; a new poster replaces the old one.

    Needs a confirmed e-mail address. At most UPLOAD_DECODES_PER_USER uploads of one user and
    UPLOAD_DECODES_PER_PROCESS in all are decoded at once in a worker process. Raises UploadBusy
    (try again in a moment), UploadRejected (address not confirmed, wrong type by content, too many
    bytes or pixels, damaged, a 7th still), DeadlinePassed and InvalidTransition. The files are
    removed again if the row is not written.
    """
    now = resolve(now)
    kind = ImageKind(kind)
    ensure_owner(entry, actor)
    if actor.email_confirmed_at is None:
        message = _(
            "Please confirm your e-mail address before uploading images: open the link we sent you "
            "(My entries can send it again)."
        )
        raise UploadRejected(errors={"image": [message]})
    ensure_editable(entry, now)
    images = list(entry.images)
    stills = [image for image in images if image.kind == ImageKind.STILL]
    if kind == ImageKind.STILL and len(stills) >= MAX_STILLS:
        raise UploadRejected(
            errors={
                "image": [
                    ngettext(
                        "You can upload at most %(num)d still; delete it first.",
                        "You can upload at most %(num)d stills; delete one first.",
                        MAX_STILLS,
                    )
                ]
            }
        )
    try:
        clean = uploads.checked_upload(actor.id, upload.stream)
    except UploadRejected as exc:  # the file's fault, or UploadBusy: said next to the image field
        raise type(exc)(errors={"image": [exc.message]}) from exc
    stored_name = uploads.new_stored_name(clean.extension)
    try:
        paths = uploads.store_files(db.session, entry.id, stored_name, clean)
    except OSError as exc:  # disk full, read-only or missing upload folder: the server's fault
        log.error("could not store an upload for entry %s: %s", entry.id, exc)
        message = _(
            "The server could not store the image just now; nothing was saved. Please try again later."
        )
        raise UploadRejected(errors={"image": [message]}) from exc
    try:
        if kind == ImageKind.POSTER:
            for old in (image for image in images if image.kind == ImageKind.POSTER):
                _drop_image(entry, old)
        image = EntryImage(
            kind=kind,
            stored_name=stored_name,
            original_name=(upload.filename or "image")[:255],
            mime_type=clean.mime_type,
            width=clean.width,
            height=clean.height,
            size_bytes=len(clean.data),
            position=0 if kind == ImageKind.POSTER else len(stills) + 1,
        )
        entry.images.append(image)
        db.session.flush()
    except Exception:
        uploads.remove_files(paths)
        raise
    return image


def next_image_kind(entry: Entry) -> str:
    """What the upload form offers first: the poster until there is one, then stills."""
    has_poster = any(image.kind == ImageKind.POSTER for image in entry.images)
    return ImageKind.STILL.value if has_poster else ImageKind.POSTER.value


def _drop_image(entry: Entry, image: EntryImage) -> None:
    uploads.remove_after_commit(db.session, entry.id, image.stored_name)
    entry.images.remove(image)
    db.session.delete(image)


def _renumber_stills(entry: Entry) -> None:
    stills = sorted((i for i in entry.images if i.kind == ImageKind.STILL), key=lambda i: (i.position, i.id))
    for position, image in enumerate(stills, start=1):
        image.position = position


def delete_image(entry: Entry, image: EntryImage, *, actor: User, now: datetime | None = None) -> None:
    """Delete a poster or still; a submitted entry keeps its poster (replace it instead)."""
    now = resolve(now)
    ensure_owner(entry, actor)
    ensure_editable(entry, now)
    if image.kind == ImageKind.POSTER and entry.status == EntryStatus.SUBMITTED:
        raise InvalidTransition(_("A submitted entry needs its poster: upload a new one to replace it."))
    _drop_image(entry, image)
    _renumber_stills(entry)
    db.session.flush()


def move_image(
    entry: Entry, image: EntryImage, *, actor: User, offset: int, now: datetime | None = None
) -> None:
    """Move a still one place earlier (offset -1) or later (+1) in the entry's gallery."""
    now = resolve(now)
    ensure_owner(entry, actor)
    ensure_editable(entry, now)
    if image.kind != ImageKind.STILL or offset not in (-1, 1):
        raise InvalidTransition(_("Only stills can be reordered."))
    _renumber_stills(entry)
    stills = sorted((i for i in entry.images if i.kind == ImageKind.STILL), key=lambda i: i.position)
    index = stills.index(image)
    other = index + offset
    if 0 <= other < len(stills):
        stills[index].position, stills[other].position = stills[other].position, stills[index].position
    db.session.flush()
