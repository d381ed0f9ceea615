"""Checks and cleans an uploaded document scan before anything is stored.

`clean_upload()` accepts PDF, JPEG and PNG files of at most 10 MB and raises a translatable
`ValidationError` for anything else. The type is decided by the content: the file name and the
content type sent by the browser are ignored, because both are chosen by whoever sends the file.

- Size: checked first, without reading more than the limit plus one byte.
- Type: the first bytes must be those of a PDF, a JPEG or a PNG; the file is then parsed by the
  library of that format only, so a script or a web page with a `.pdf` or `.png` name is refused.
  A refused file is named in the message ("a GIF image", "a script") to help the person fix it.
- Images are decoded in full (a truncated or damaged image is refused), refused above
  `MAX_IMAGE_PIXELS` before being decoded (a small PNG can hold a huge image: a decompression bomb),
  turned upright from their EXIF orientation, scaled down to `MAX_IMAGE_SIDE` pixels on the long
  side and encoded again from their pixels alone. What a phone or a scanner adds around the pixels
  (EXIF with GPS position and device, XMP, ICC profile, comments, PNG text chunks) is not copied.
- PDFs are parsed with pypdf, tolerant of the small defects viewers accept (wrong cross-reference
  offsets), and refused when they are encrypted, have no page, contain JavaScript, XFA forms, launch
  actions or attached files, or are too complex to check. An accepted PDF is stored byte for byte:
  rewriting it would break a digital signature (documents issued by the public administration are
  often signed PDFs) and could damage a file that viewers open today. Its metadata (author,
  producer, images as the scanning app embedded them) is therefore kept.

`stored_name()` gives the random name under which a cleaned file is stored.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageFile, ImageOps
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# Pillow's own limit (about 89 megapixels, an error at twice that) is left as it is for the rest of
# the process; ours is lower and is checked on the size in the header, before any decoding.
MAX_IMAGE_PIXELS = 50_000_000
MAX_IMAGE_SIDE = 4000
JPEG_QUALITY = 90
# A scanned document has a few objects per page; walking 50,000 takes about a second.
MAX_PDF_OBJECTS = 50_000

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
EXTENSIONS = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png"}

PDF_MAGIC = b"%PDF-"
JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class CleanUpload:
    content: bytes
    content_type: str  # "application/pdf" | "image/jpeg" | "image/png"
    extension: str  # ".pdf" | ".jpg" | ".png"
    size: int


def clean_upload(uploaded: UploadedFile) -> CleanUpload:
    """The checked content of an uploaded file (any binary file object with `read` will do).

    Raises `ValidationError` with a translatable message and one of the codes `too_large`, `empty`,
    `unsupported_type`, `damaged_image`, `image_too_large`, `damaged_pdf`, `pdf_encrypted`,
    `pdf_active_content`, `pdf_attachments`, `pdf_too_complex`. Nothing is written anywhere.
    """
    data = _read_at_most(uploaded, MAX_UPLOAD_BYTES)
    if not data:
        raise ValidationError(_("The file is empty."), code="empty")
    if data.startswith(PDF_MAGIC):
        _check_pdf(data)
        return CleanUpload(content=data, content_type=PDF, extension=EXTENSIONS[PDF], size=len(data))
    if data.startswith(JPEG_MAGIC):
        content = _clean_image(data, "JPEG")
        return CleanUpload(content=content, content_type=JPEG, extension=EXTENSIONS[JPEG], size=len(content))
    if data.startswith(PNG_MAGIC):
        content = _clean_image(data, "PNG")
        return CleanUpload(content=content, content_type=PNG, extension=EXTENSIONS[PNG], size=len(content))
    kind = _describe_kind(data)
    if kind is None:
        raise ValidationError(_("Only PDF, JPEG or PNG files can be uploaded."), code="unsupported_type")
    raise ValidationError(
        # Translators: kind describes the file, such as "a GIF image" or "a script".
        _("Only PDF, JPEG or PNG files can be uploaded; this file is %(kind)s."),
        code="unsupported_type",
        params={"kind": kind},
    )


def stored_name(upload: CleanUpload) -> str:
    """A random file name with the extension of the checked type; nothing of the original name."""
    return f"{uuid.uuid4().hex}{upload.extension}"


def store(field_file: Any, scan: CleanUpload) -> None:
    """Put a checked upload in a model's file field under a random name (the model saves itself)."""
    field_file.save(stored_name(scan), ContentFile(scan.content), save=False)


# Reading


def _too_large() -> ValidationError:
    return ValidationError(
        _(
            "The file is larger than %(megabytes)d MB: scan it at a lower resolution or split it into "
            "several files."
        ),
        code="too_large",
        params={"megabytes": MAX_UPLOAD_BYTES // (1024 * 1024)},
    )


def _read_at_most(uploaded: UploadedFile, limit: int) -> bytes:
    # Django's upload handlers count the bytes they received: a larger file is refused unread.
    declared = getattr(uploaded, "size", None)
    if isinstance(declared, int) and declared > limit:
        raise _too_large()
    with suppress(AttributeError, OSError, ValueError):
        uploaded.seek(0)
    chunks: list[bytes] = []
    total = 0
    # A file object may return fewer bytes than asked for; never ask for more than limit + 1.
    while total <= limit:
        chunk = uploaded.read(limit + 1 - total)
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    with suppress(AttributeError, OSError, ValueError):
        uploaded.seek(0)
    if total > limit:
        raise _too_large()
    return b"".join(chunks)


# What a refused file is


def _describe_kind(data: bytes) -> Promise | None:
    """What a file that is not a PDF, JPEG or PNG seems to be, for the message; None if unknown."""
    head = data[:64]
    if head.startswith((b"GIF87a", b"GIF89a")):
        # Translators: this and the descriptions that follow complete "this file is ...".
        return _("a GIF image")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return _("a WebP image")
    if head[4:8] == b"ftyp" and head[8:12] in {b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1"}:
        return _("a HEIC photo (the iPhone format)")
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return _("a TIFF image")
    if head.startswith(b"PK\x03\x04"):
        return _("a Word or other Office document, or a ZIP archive")
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return _("a Word or other Office document")
    if head.startswith((b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe")):
        return _("a program")
    text = _as_text(data[:4096])
    if text is None:
        return None
    start = text.lstrip("\ufeff \t\r\n").lower()
    if start.startswith(("#!", "<?php", "<%")):
        return _("a script")
    if "<svg" in start[:1024]:
        return _("an SVG drawing")
    if start.startswith("<"):
        return _("a web page (HTML) or other markup")
    return _("a text file")


def _as_text(sample: bytes) -> str | None:
    if b"\x00" in sample:
        return None
    # The sample may end in the middle of a character.
    for cut in range(4):
        with suppress(UnicodeDecodeError):
            return sample[: len(sample) - cut].decode("utf-8")
    return None


# Images


def _image_too_large() -> ValidationError:
    return ValidationError(
        _("The image is too large (more than %(megapixels)d megapixels): save it at a lower resolution."),
        code="image_too_large",
        params={"megapixels": MAX_IMAGE_PIXELS // 1_000_000},
    )


def _check_pixels(image: Image.Image) -> None:
    width, height = image.size
    if width * height > MAX_IMAGE_PIXELS:
        raise _image_too_large()


def _clean_image(data: bytes, image_format: str) -> bytes:
    damaged = ValidationError(
        _("The image is damaged or incomplete: save or scan it again."), code="damaged_image"
    )
    # Pillow's process-wide switch must be off here: a library that turns it on (WeasyPrint does,
    # when the plan document is first made) would otherwise let a truncated image through.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        # Only the decoder of the format the first bytes announced is allowed to read the file.
        with Image.open(BytesIO(data), formats=[image_format]) as probe:
            _check_pixels(probe)
            probe.verify()
        with Image.open(BytesIO(data), formats=[image_format]) as image:
            _check_pixels(image)
            if image_format == "JPEG":
                # libjpeg can decode a large photo directly at 1/2, 1/4 or 1/8 of its size.
                image.draft(None, (MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
            image.load()
            pixels = _upright_pixels(image, image_format)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow's own limit; its warning is an exception only where warnings are errors.
        raise _image_too_large() from None
    except Exception:
        # Decoders raise many kinds of exception on crafted input (OSError, SyntaxError, ValueError,
        # struct.error...): whatever the reason, the image cannot be used.
        raise damaged from None
    out = BytesIO()
    if image_format == "JPEG":
        pixels.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    else:
        pixels.save(out, "PNG", optimize=True)
    return out.getvalue()


def _upright_pixels(image: Image.Image, image_format: str) -> Image.Image:
    """A new image holding only the pixels: upright, in a plain mode, at most MAX_IMAGE_SIDE wide."""
    try:
        upright = ImageOps.exif_transpose(image)
    except Exception:
        # Broken EXIF does not make the pixels unusable: keep them as they are.
        upright = image.copy()
    mode = _plain_mode(upright, image_format)
    if upright.mode.startswith("I") and mode == "L":
        # 16-bit greyscale: keep the 8 most significant bits rather than clipping at 255.
        upright = upright.convert("I").point(lambda value: value * (1 / 256))
    if upright.mode != mode:
        upright = upright.convert(mode)
    upright.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE), Image.Resampling.LANCZOS)
    # Built from the raw bytes: no info dictionary, EXIF, ICC profile, comment or text chunk follows.
    return Image.frombytes(upright.mode, upright.size, upright.tobytes())


def _plain_mode(image: Image.Image, image_format: str) -> str:
    mode = image.mode
    if image_format == "JPEG":
        return "L" if mode in {"1", "L"} else "RGB"
    if mode.startswith("I"):
        return "L"
    transparent = image.has_transparency_data
    if mode in {"1", "L", "LA"}:
        return "LA" if transparent else mode
    return "RGBA" if transparent else "RGB"


# PDFs


def _check_pdf(data: bytes) -> None:
    damaged = ValidationError(_("The file is damaged or is not really a PDF."), code="damaged_pdf")
    try:
        reader = PdfReader(BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ValidationError(
                _(
                    "The PDF is protected by a password or encrypted. Save it again without protection, "
                    "or scan the paper document, and upload that copy."
                ),
                code="pdf_encrypted",
            )
        catalog = reader.trailer["/Root"].get_object()
        if not isinstance(catalog, DictionaryObject) or "/Pages" not in catalog:
            raise damaged
        if len(reader.pages) == 0:
            raise damaged
        findings = set(_pdf_findings(reader))
    except ValidationError:
        raise
    except Exception:
        # pypdf raises many kinds of exception on crafted input (PdfReadError, KeyError,
        # RecursionError...): whatever the reason, the file cannot be checked.
        raise damaged from None
    if "too_complex" in findings:
        raise ValidationError(
            _("The PDF is too complex to be checked: print it to a new PDF or scan the paper document."),
            code="pdf_too_complex",
        )
    if "active_content" in findings:
        raise ValidationError(
            _(
                "The PDF contains JavaScript or actions that run when it is opened, which can harm the "
                "computer that opens it. Print it to a new PDF or scan the paper document, and upload "
                "that copy."
            ),
            code="pdf_active_content",
        )
    if "attachments" in findings:
        raise ValidationError(
            _("The PDF contains attached files. Upload the document without attachments."),
            code="pdf_attachments",
        )


ACTIVE_KEYS = {"/JS", "/JavaScript", "/XFA"}
ACTIVE_ACTIONS = {"/JavaScript", "/Launch"}


def _pdf_findings(reader: PdfReader) -> Iterator[str]:
    """Walks every object reachable from the trailer: JavaScript can hide in the document's names,
    its open action, page and field actions, annotations and outlines, so every dictionary is looked
    at rather than a list of places. Names arrive decoded (`/J#53` is `/JS`). Streams are not decoded."""
    stack: list[object] = [reader.trailer]
    seen: set[tuple[int, int]] = set()
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            if len(seen) > MAX_PDF_OBJECTS:
                yield "too_complex"
                return
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            for name, value in item.items():
                if name in ACTIVE_KEYS or (
                    name == "/S" and isinstance(value, str) and value in ACTIVE_ACTIONS
                ):
                    yield "active_content"
                elif name == "/EmbeddedFiles" or (name == "/Subtype" and value == "/FileAttachment"):
                    yield "attachments"
                stack.append(value)
        elif isinstance(item, ArrayObject):
            stack.extend(item)
