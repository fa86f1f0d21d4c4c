"""佐证材料: evidence files checked by their content, stored once by SHA-256 beside the database."""

import hashlib
import io
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ledger import files_dir

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024  # per file
MAX_EVIDENCE_FILES = 10  # per action
MAX_NAME_CHARS = 120
KINDS = {  # extension -> (what the content must be, MIME type, Chinese name)
    ".pdf": ("pdf", "application/pdf", "PDF"),
    ".jpg": ("jpeg", "image/jpeg", "JPG 图片"),
    ".jpeg": ("jpeg", "image/jpeg", "JPG 图片"),
    ".png": ("png", "image/png", "PNG 图片"),
    ".docx": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word 文档"),
    ".xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel 表格"),
}
ACCEPTED = "PDF、JPG/PNG 图片、Word（.docx）或 Excel（.xlsx）"
MAX_ZIP_ENTRIES = 2000  # a .docx/.xlsx is a zip: refuse archive bombs before trusting it
MAX_IMAGE_PIXELS = 60_000_000  # a 60-megapixel photo decodes to about 180 MB: refuse larger before decoding
PREVIEW_PIXELS = 720  # the preview's longer side: a few dozen KB sent inside the page, never a media URL


class EvidenceError(ValueError):
    """An evidence file refused, with a Chinese message saying why and what to do."""


@dataclass(frozen=True)
class Evidence:
    sha256: str
    file_name: str
    size: int
    mime: str


def _content_kind(data: bytes) -> str | None:
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                entries = archive.infolist()
                if len(entries) > MAX_ZIP_ENTRIES or sum(e.file_size for e in entries) > 10 * MAX_EVIDENCE_BYTES:
                    return "bomb"
                names = {e.filename for e in entries}
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return "docx"
        if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            return "xlsx"
    return None


def safe_name(file_name: str) -> str:
    """The name shown and offered for download: no path, no control characters, not too long."""
    name = Path(file_name.replace("\\", "/")).name
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"/\\|?*').strip(" .")
    stem, suffix = os.path.splitext(name)
    return (stem[: MAX_NAME_CHARS - len(suffix)] + suffix) if name else "佐证材料"


def check_evidence(file_name: str, data: bytes) -> Evidence:
    """The file's content must be what its extension says, one of the accepted kinds, and not too large."""
    name = safe_name(file_name)
    if not data:
        raise EvidenceError(f"“{name}”是空文件，请重新选择")
    if len(data) > MAX_EVIDENCE_BYTES:
        raise EvidenceError(
            f"“{name}”有 {len(data) / 1024 / 1024:.1f} MB，"
            f"超过每个文件 {MAX_EVIDENCE_BYTES // 1024 // 1024} MB 的上限；"
            "请压缩图片或拆分文件后再上传"
        )
    suffix = Path(name).suffix.lower()
    if suffix not in KINDS:
        raise EvidenceError(f"“{name}”的类型不能作为佐证材料：请上传 {ACCEPTED}")
    expected, mime, label = KINDS[suffix]
    found = _content_kind(data)
    if found == "bomb":
        raise EvidenceError(f"“{name}”内部结构异常（压缩包条目过多或解压后过大），未接收")
    if found != expected:
        raise EvidenceError(
            f"“{name}”的内容不是{label}（文件名是{suffix}，内容与之不符或文件已损坏）；请用原程序另存后再上传"
        )
    if expected in ("jpeg", "png"):
        _check_image(name, data, expected, label)
    return Evidence(hashlib.sha256(data).hexdigest(), name, len(data), mime)


def _check_image(name: str, data: bytes, expected: str, label: str) -> None:
    """An image must decode completely: its first bytes alone (a JPEG header on anything) are not a picture."""
    from PIL import Image, UnidentifiedImageError

    broken = f"“{name}”不是能打开的{label}（文件不完整或已损坏）；请用相机或看图程序重新导出后再上传"
    too_large = f"超过 {MAX_IMAGE_PIXELS // 1_000_000} 百万像素的上限；请缩小图片后再上传"
    try:
        with Image.open(io.BytesIO(data)) as image:
            if (image.format or "").lower() != expected:
                raise EvidenceError(broken)
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise EvidenceError(f"“{name}”有 {width}×{height} 像素，{too_large}")
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
    except EvidenceError:
        raise
    except Image.DecompressionBombError:  # Pillow's own limit, far above ours, met while reading the header
        raise EvidenceError(f"“{name}”的像素数{too_large}") from None
    except (OSError, SyntaxError, ValueError, EOFError, UnidentifiedImageError):
        raise EvidenceError(broken) from None


def preview_jpeg(data: bytes) -> bytes:
    """A small JPEG of an evidence image, decoded afresh (a file stored before images were checked may be broken:
    the caller shows a download link instead when this raises)."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        width, height = image.size
        if width * height > MAX_IMAGE_PIXELS:
            raise ValueError(f"{width}×{height} pixels")
        image.draft("RGB", (PREVIEW_PIXELS, PREVIEW_PIXELS))  # a JPEG decodes at a reduced scale
        image.load()
        rgba = image.convert("RGBA")
        small = Image.new("RGB", rgba.size, "white")
        small.paste(rgba, mask=rgba.getchannel("A"))  # transparency on white, as on paper
        small.thumbnail((PREVIEW_PIXELS, PREVIEW_PIXELS))
        out = io.BytesIO()
        small.save(out, format="JPEG", quality=80)
    return out.getvalue()


def evidence_root(db_path: Path) -> Path:
    """evidence/ in the files directory (ledger.files_dir: LEDGER_FILES, else data/ beside data/ledger.duckdb;
    git-ignored; backed up with the database)."""
    return files_dir(db_path) / "evidence"


def evidence_file(root: Path, sha256: str) -> Path:
    return root / sha256[:2] / sha256


def store_file(root: Path, evidence: Evidence, data: bytes) -> Path:
    """Write the content once under its SHA-256 (a second upload of the same file writes nothing)."""
    target = evidence_file(root, evidence.sha256)
    if target.exists() and target.stat().st_size == evidence.size:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(target.name + ".part")
    temporary.write_bytes(data)
    os.replace(temporary, target)
    return target
