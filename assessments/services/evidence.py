"""The evidence library: uploaded files (type sniffed, SHA-256, private storage) and links."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Answer, Assessment, Evidence
from ..texts import clean_text, field_limit, remove_controls
from .assessments import require_editable
from .filetypes import sniff


def _evidence_text(field: str, value: str, *, strip: bool = True) -> str:
    return clean_text(value, field=field, limit=field_limit(Evidence, field), strip=strip)


@transaction.atomic
def add_file_evidence(
    *, assessment: Assessment, by: User, upload: UploadedFile, title: str = "", description: str = ""
) -> Evidence:
    """Store an uploaded file privately under a generated name, with its sniffed type and SHA-256."""
    require_editable(assessment)
    size = upload.size or 0
    if size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    if size > settings.EVIDENCE_MAX_BYTES:
        raise ValidationError(
            {
                "file": _("The file is larger than %(mb)s MB.")
                % {"mb": settings.EVIDENCE_MAX_BYTES // (1024 * 1024)}
            }
        )
    upload.seek(0)
    head = upload.read(8192)
    # The file's own name is kept for downloads, shortened if need be: it is not text the user typed.
    limit = field_limit(Evidence, "original_name") or 255
    name = remove_controls(upload.name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:limit] or "file"
    mime = sniff(head, name)
    if mime is None:
        raise ValidationError(
            {
                "file": _(
                    "This file's content is not a PDF, Office or OpenDocument file, image, CSV or text file."
                )
            }
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    evidence = Evidence(
        assessment=assessment,
        kind=Evidence.Kind.FILE,
        title=_evidence_text("title", title) or name[: field_limit(Evidence, "title")],
        description=_evidence_text("description", description),
        original_name=name,
        content_type=mime,
        size=size,
        sha256=digest.hexdigest(),
        uploaded_by=by,
    )
    evidence.file.save(name, upload, save=False)
    evidence.save()
    transaction.on_commit(lambda: None)
    return evidence


@transaction.atomic
def add_link_evidence(
    *, assessment: Assessment, by: User, url: str, title: str, description: str = ""
) -> Evidence:
    """Add a web address to the evidence library, with its title."""
    require_editable(assessment)
    url = _evidence_text("url", url)
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ValidationError({"url": _("Give a web address starting with http:// or https://.")}) from None
    title = _evidence_text("title", title)
    if not title:
        raise ValidationError({"title": _("Give the link a title.")})
    return Evidence.objects.create(
        assessment=assessment,
        kind=Evidence.Kind.LINK,
        url=url,
        title=title,
        description=_evidence_text("description", description),
        uploaded_by=by,
    )


@transaction.atomic
def delete_evidence(*, evidence: Evidence, by: User) -> None:
    """Remove evidence no answer cites; its file goes once the removal is committed."""
    require_editable(evidence.assessment)
    if Answer.objects.filter(evidence=evidence).exists():
        raise ValidationError(_("This evidence is cited by an answer; remove it from the answers first."))
    stored = evidence.file.name if evidence.file else ""
    storage = evidence.file.storage if evidence.file else None
    evidence.delete()
    if stored and storage is not None:
        transaction.on_commit(lambda: storage.delete(stored))
