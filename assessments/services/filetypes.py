"""What an uploaded file really is, read from its first bytes (pure: no database, no storage)."""

from __future__ import annotations

import re

import filetype

ALLOWED_TYPES = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/tiff": "tif",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/msword": "doc",
    "application/vnd.ms-excel": "xls",
    "application/vnd.ms-powerpoint": "ppt",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
    "text/plain": "txt",
    "text/csv": "csv",
}
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_TEXT_NAMES = {".txt": "text/plain", ".csv": "text/csv"}


def sniff(head: bytes, name: str) -> str | None:
    """The file's type read from its first bytes, or None if it is not a type the library accepts."""
    kind = filetype.guess(head)
    if kind is not None:
        if kind.mime in ALLOWED_TYPES:
            return kind.mime
        if kind.mime == "application/zip":
            return _sniff_zip_office(head)
        return None
    if head.startswith(_OLE):  # legacy Word/Excel/PowerPoint container
        ext = name.lower().rsplit(".", 1)[-1]
        return {
            "doc": "application/msword",
            "xls": "application/vnd.ms-excel",
            "ppt": "application/vnd.ms-powerpoint",
        }.get(ext)
    suffix = "." + name.lower().rsplit(".", 1)[-1] if "." in name else ""
    if suffix in _TEXT_NAMES and _looks_like_plain_text(head):
        return _TEXT_NAMES[suffix]
    return None


def _sniff_zip_office(head: bytes) -> str | None:
    for marker, mime in (
        (b"mimetypeapplication/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.text"),
        (
            b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet",
            "application/vnd.oasis.opendocument.spreadsheet",
        ),
        (
            b"mimetypeapplication/vnd.oasis.opendocument.presentation",
            "application/vnd.oasis.opendocument.presentation",
        ),
        (b"word/", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (b"xl/", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (b"ppt/", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    ):
        if marker in head:
            return mime
    return None


def _looks_like_plain_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = head.decode("utf-16")
        except UnicodeDecodeError:
            return False
    # HTML, SVG or XML renamed .txt would be served as text, but refuse it: it is not what it claims
    # to be. Look through the whole head, not only its first bytes: a byte-order mark, a comment or a
    # line of prose before the markup must not hide it.
    return _MARKUP.search(text) is None


_MARKUP = re.compile(
    r"<\s*(?:!doctype|\?xml|html|head|body|script|iframe|frame|frameset|svg|math|object|embed|"
    r"style|meta|link|base|form|img|video|audio|template)(?=[\s/>])",
    re.IGNORECASE,
)
