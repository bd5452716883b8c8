"""The OCR engines behind one interface: an image in, lines of text with a confidence and a box out.

RapidOCR (PP-OCR models on onnxruntime, shipped inside the wheel) is the default; Tesseract is the lighter
alternative. Each engine is loaded once per process (a lazy module-level singleton): loading RapidOCR's
models costs about a second, and its first run warms onnxruntime up.
"""

from __future__ import annotations

import math
import statistics
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from PIL import Image, ImageOps

ENGINES = ("rapidocr", "tesseract")
# RapidOCR resizes internally too; bounding the input keeps a 24-megapixel photo from costing seconds.
MAX_OCR_SIDE = 2000


@dataclass(frozen=True)
class OcrLine:
    """One line of text as read: ``box`` is (left, top, right, bottom) in the image's pixels."""

    text: str
    confidence: float
    box: tuple[float, float, float, float]

    @property
    def height(self) -> float:
        return self.box[3] - self.box[1]


class OcrEngine(Protocol):
    name: str

    def read(self, image: Image.Image) -> list[OcrLine]:
        """Return the lines of ``image`` in reading order (top to bottom, then left to right)."""
        ...


def reading_order(lines: list[OcrLine]) -> list[OcrLine]:
    """Sort lines top to bottom; lines whose vertical centres are within half a line are one row."""
    rows: list[list[OcrLine]] = []
    for line in sorted(lines, key=lambda item: (item.box[1] + item.box[3]) / 2):
        centre = (line.box[1] + line.box[3]) / 2
        if rows:
            last = rows[-1][0]
            if abs(centre - (last.box[1] + last.box[3]) / 2) < max(4.0, 0.5 * min(line.height, last.height)):
                rows[-1].append(line)
                continue
        rows.append([line])
    return [line for row in rows for line in sorted(row, key=lambda item: item.box[0])]


def bounded(image: Image.Image, max_side: int = MAX_OCR_SIDE) -> Image.Image:
    """Return the image upright (EXIF orientation applied), in RGB, no larger than ``max_side``."""
    upright = ImageOps.exif_transpose(image) or image
    upright = upright.convert("RGB")
    if max(upright.size) > max_side:
        upright.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    return upright


class RapidOcrEngine:
    name = "rapidocr"

    def __init__(self) -> None:
        import rapidocr

        models = Path(rapidocr.__file__).parent / "models"
        # Naming the bundled model files keeps RapidOCR from resolving (and possibly downloading) its own.
        params: dict[str, Any] = {
            "Global.log_level": "warning",
            "Det.model_path": str(models / "PP-OCRv6_det_small.onnx"),
            "Cls.model_path": str(models / "ch_ppocr_mobile_v2.0_cls_mobile.onnx"),
            "Rec.model_path": str(models / "PP-OCRv6_rec_small.onnx"),
            # Text boxes are found on the image scaled down to at most 960 px (never up): as accurate as
            # the default (upscaling a card to 736 px on its short side) on our benchmark, and faster.
            "Det.limit_type": "max",
            "Det.limit_side_len": 960,
            "EngineConfig.onnxruntime.intra_op_num_threads": 2,
        }
        for key in ("Det.model_path", "Cls.model_path", "Rec.model_path"):
            if not Path(params[key]).is_file():
                raise RuntimeError(f"RapidOCR model missing from the installed package: {params[key]}")
        self._ocr = rapidocr.RapidOCR(params=params)
        # onnxruntime sessions are not documented as safe for concurrent runs from several threads.
        self._lock = threading.Lock()

    def read(self, image: Image.Image) -> list[OcrLine]:
        import numpy as np

        picture = bounded(image)
        with self._lock:
            # RapidOCR expects OpenCV's BGR channel order for arrays.
            output: Any = self._ocr(np.array(picture)[:, :, ::-1])
        if output.boxes is None or output.txts is None or output.scores is None:
            return []
        quads = [[(float(x), float(y)) for x, y in box] for box in output.boxes]
        # A photo taken at a slant tilts every line alike: measuring the tilt from the lines' own top
        # edges and turning the boxes back keeps a label and its value on one row.
        turn = -_median_tilt(quads)
        centre = (picture.width / 2, picture.height / 2)
        lines = []
        for quad, text, score in zip(quads, output.txts, output.scores, strict=True):
            points = [_rotated(point, centre, turn) for point in quad]
            xs = [x for x, _ in points]
            ys = [y for _, y in points]
            text = unicodedata.normalize("NFKC", text).strip()
            if text:
                lines.append(OcrLine(text, float(score), (min(xs), min(ys), max(xs), max(ys))))
        return reading_order(lines)


def _median_tilt(quads: list[list[tuple[float, float]]]) -> float:
    """Return the median angle (radians) of the top edges of boxes at least three times wider than high."""
    angles = []
    for (x0, y0), (x1, y1), _, (_, y3) in quads:
        width = math.hypot(x1 - x0, y1 - y0)
        if width > 3 * abs(y3 - y0) and width > 0:
            angles.append(math.atan2(y1 - y0, x1 - x0))
    return statistics.median(angles) if angles else 0.0


def _rotated(point: tuple[float, float], centre: tuple[float, float], angle: float) -> tuple[float, float]:
    x, y = point[0] - centre[0], point[1] - centre[1]
    cos, sin = math.cos(angle), math.sin(angle)
    return (centre[0] + x * cos - y * sin, centre[1] + x * sin + y * cos)


class TesseractEngine:
    name = "tesseract"

    def read(self, image: Image.Image) -> list[OcrLine]:
        import pytesseract

        prepared = tesseract_preprocess(image)
        data = pytesseract.image_to_data(
            prepared, config="--oem 1 --psm 3", output_type=pytesseract.Output.DICT
        )
        grouped: dict[tuple[int, int, int], list[int]] = {}
        for index, word in enumerate(data["text"]):
            if word.strip() and float(data["conf"][index]) >= 0:
                key = (data["block_num"][index], data["par_num"][index], data["line_num"][index])
                grouped.setdefault(key, []).append(index)
        lines = []
        for indexes in grouped.values():
            text = " ".join(data["text"][i].strip() for i in indexes)
            confidence = sum(float(data["conf"][i]) for i in indexes) / len(indexes) / 100
            left = min(data["left"][i] for i in indexes)
            top = min(data["top"][i] for i in indexes)
            right = max(data["left"][i] + data["width"][i] for i in indexes)
            bottom = max(data["top"][i] + data["height"][i] for i in indexes)
            lines.append(OcrLine(text, confidence, (left, top, right, bottom)))
        return reading_order(lines)


def tesseract_preprocess(image: Image.Image) -> Image.Image:
    """Prepare a photo for Tesseract: upright, grayscale, about 300 dpi, deskewed, thresholded (Otsu)."""
    import cv2
    import numpy as np

    picture = bounded(image, max_side=3000)
    gray = np.array(picture.convert("L"))
    gray = _rotate_by_osd(gray)
    # Tesseract reads best with capital letters 20-30 px high: a card's 3.5 inches at 300 dpi are
    # about 1050 px, so small images are scaled up to that width (licences, wider, stay larger).
    height, width = gray.shape
    if width < 1400:
        factor = 1400 / width
        gray = cv2.resize(
            gray, (round(width * factor), round(height * factor)), interpolation=cv2.INTER_CUBIC
        )
    gray = cv2.GaussianBlur(gray, (3, 3), 0)
    _, binary = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    # Text must be dark on light: a card printed light-on-dark comes out of Otsu inverted.
    if np.mean(binary) < 127:
        binary = 255 - binary
    binary = _clear_surroundings(binary)
    binary = _deskew(binary)
    return Image.fromarray(binary)


def _rotate_by_osd(gray: Any) -> Any:
    import numpy as np
    import pytesseract

    try:
        osd = pytesseract.image_to_osd(gray, output_type=pytesseract.Output.DICT)
    except pytesseract.TesseractError:
        return gray  # too little text to tell the orientation: read it as it is
    rotate = int(osd.get("rotate", 0))
    if rotate and float(osd.get("orientation_conf", 0)) >= 2:
        return np.ascontiguousarray(np.rot90(gray, k=-rotate // 90))
    return gray


def _clear_surroundings(binary: Any) -> Any:
    """Whiten the dark table or background around a photographed document (ink touching the corners),
    which would otherwise outweigh the text when measuring its tilt."""
    import cv2
    import numpy as np

    height, width = binary.shape
    cleared = binary.copy()
    mask = np.zeros((height + 2, width + 2), np.uint8)
    for x, y in ((0, 0), (width - 1, 0), (0, height - 1), (width - 1, height - 1)):
        if cleared[y, x] < 128:
            cv2.floodFill(cleared, mask, (x, y), 255)
    return cleared


def _deskew(binary: Any) -> Any:
    """Straighten text tilted by up to 10 degrees: the angle whose rows of ink are sharpest (the largest
    variance of the horizontal projection, measured on a small copy) is the text's baseline."""
    import cv2
    import numpy as np

    height, width = binary.shape
    scale = 600 / max(height, width)
    small = cv2.resize(255 - binary, (max(1, round(width * scale)), max(1, round(height * scale))))
    centre = (small.shape[1] / 2, small.shape[0] / 2)

    def sharpness(angle: float) -> float:
        matrix = cv2.getRotationMatrix2D(centre, angle, 1.0)
        turned = cv2.warpAffine(small, matrix, (small.shape[1], small.shape[0]), flags=cv2.INTER_NEAREST)
        return float(np.var(turned.sum(axis=1)))

    coarse = max(np.arange(-10, 10.5, 1.0), key=sharpness)
    angle = max(np.arange(coarse - 0.8, coarse + 0.9, 0.2), key=sharpness)
    if abs(angle) < 0.3:
        return binary
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), float(angle), 1.0)
    return cv2.warpAffine(binary, matrix, (width, height), flags=cv2.INTER_CUBIC, borderValue=255)


_engines: dict[str, OcrEngine] = {}
_engines_lock = threading.Lock()


def engine_name() -> str:
    """Return the configured engine (LEORA_OCR_ENGINE), refusing a name that is not one of ENGINES."""
    name = str(getattr(settings, "LEORA_OCR_ENGINE", "rapidocr") or "rapidocr").strip().lower()
    if name not in ENGINES:
        raise RuntimeError(f"LEORA_OCR_ENGINE must be one of {', '.join(ENGINES)}, got {name!r}")
    return name


def engine_get(name: str | None = None) -> OcrEngine:
    """Return the engine called ``name`` (the configured one by default), loading it once per process."""
    chosen = name or engine_name()
    engine = _engines.get(chosen)
    if engine is None:
        with _engines_lock:
            engine = _engines.get(chosen)
            if engine is None:
                if chosen == "rapidocr":
                    engine = RapidOcrEngine()
                elif chosen == "tesseract":
                    engine = TesseractEngine()
                else:
                    raise RuntimeError(f"unknown OCR engine {chosen!r}; choose one of {', '.join(ENGINES)}")
                _engines[chosen] = engine
    return engine
