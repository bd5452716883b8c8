"""Synthetic business cards and liquor licences rendered with Pillow, with the truth of every field.

The benchmark (bench/bench_extraction.py) and the tests read the same generator: several fonts,
layouts and colours, and photographic damage (rotation, blur, noise, low contrast, perspective).
Deterministic for a given seed.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageFont

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONTS = [
    ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf"),
    ("DejaVuSansCondensed.ttf", "DejaVuSansCondensed-Bold.ttf"),
    ("DejaVuSerifCondensed.ttf", "DejaVuSerifCondensed-Bold.ttf"),
    ("DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf"),
]
DAMAGES = ("clean", "rotated", "blurred", "noisy", "low_contrast", "perspective")

FIRST = [
    "Maria",
    "James",
    "Sofia",
    "Daniel",
    "Aiko",
    "Robert",
    "Elena",
    "Marcus",
    "Priya",
    "Thomas",
    "Claire",
    "Luis",
    "Hannah",
    "Omar",
    "Grace",
    "Victor",
    "Nadia",
    "Peter",
    "Isabel",
    "Samuel",
]
LAST = [
    "Gonzalez",
    "Whitaker",
    "Rossi",
    "Okafor",
    "Tanaka",
    "Lindqvist",
    "Moreau",
    "Bennett",
    "Sharma",
    "Novak",
    "Fitzgerald",
    "Herrera",
    "Castillo",
    "Brennan",
    "Duarte",
    "Kowalski",
    "Schmidt",
    "Walsh",
]
TITLES = [
    "Head Sommelier",
    "Beverage Director",
    "General Manager",
    "Owner",
    "Purchasing Manager",
    "Bar Manager",
    "Wine Buyer",
    "Executive Chef",
    "Operations Director",
    "Store Manager",
]
VENUE_WORDS = [
    "Blue Door",
    "Copper Still",
    "Olive Grove",
    "Harbor Lights",
    "Redwood",
    "Golden Gate",
    "Saffron",
    "Lantern",
    "Fig and Vine",
    "Riverbend",
    "Old Mill",
    "Silver Oak",
    "Cedar Hill",
]
VENUE_TYPES = [
    "Bistro",
    "Wine Bar",
    "Tavern",
    "Kitchen",
    "Cellars",
    "Market",
    "Hotel",
    "Taproom",
    "Brasserie",
    "Trattoria",
    "Bottle Shop",
    "Supper Club",
]
SUFFIXES = ["LLC", "Inc.", "", "", "Co."]
STREETS = [
    "Market St",
    "Main Street",
    "Oak Avenue",
    "Harbor Blvd",
    "Vine Street",
    "Mission St",
    "Sunset Blvd",
    "Lincoln Ave",
    "Pine Road",
    "Broadway",
]
CITIES = [
    ("San Francisco", "CA", "941"),
    ("Oakland", "CA", "946"),
    ("Napa", "CA", "945"),
    ("Portland", "OR", "972"),
    ("Seattle", "WA", "981"),
    ("Sacramento", "CA", "958"),
]
AREA_CODES = ["415", "510", "707", "503", "206", "916", "650", "925"]
LICENCE_CLASSES = [
    "Type 47 On-Sale General",
    "Type 41 On-Sale Beer and Wine",
    "Type 21 Off-Sale General",
    "Type 20 Off-Sale Beer and Wine",
    "Full On-Premises",
    "Retail Off-Premises",
]
PALETTES = [  # (background, main text, accent)
    ("#ffffff", "#111111", "#1f4e79"),
    ("#f7f3ea", "#2b2b2b", "#7a1f2b"),
    ("#eef3f7", "#10243a", "#2f6f4f"),
    ("#1d2a38", "#f4f4f4", "#e0b656"),
    ("#fffaf0", "#3a2f25", "#5b3a8a"),
]


@dataclass
class Sample:
    """One rendered document: its kind, the encoded image, and the value every field should read as."""

    name: str
    kind: str  # business_card | license
    damage: str
    image: Image.Image
    truth: dict[str, str] = field(default_factory=dict)

    def encoded(self, fmt: str = "PNG") -> bytes:
        buffer = io.BytesIO()
        self.image.save(buffer, format=fmt)
        return buffer.getvalue()


def _font(name: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_DIR / name), size)


def _phone(rng: random.Random) -> tuple[str, str]:
    area, exchange, line = rng.choice(AREA_CODES), rng.randint(220, 989), rng.randint(1000, 9999)
    style = rng.randrange(4)
    shown = [
        f"({area}) {exchange}-{line}",
        f"{area}.{exchange}.{line}",
        f"{area}-{exchange}-{line}",
        f"+1 {area} {exchange} {line}",
    ][style]
    return shown, f"+1{area}{exchange}{line}"


def _address(rng: random.Random) -> tuple[str, str]:
    city, state, zip_prefix = rng.choice(CITIES)
    street = f"{rng.randint(12, 4800)} {rng.choice(STREETS)}"
    return street, f"{city}, {state} {zip_prefix}{rng.randint(10, 99)}"


def business_card(rng: random.Random, index: int, damage: str) -> Sample:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    person = f"{first} {last}"
    title = rng.choice(TITLES)
    venue = f"{rng.choice(VENUE_WORDS)} {rng.choice(VENUE_TYPES)}"
    company = f"{venue} {rng.choice(SUFFIXES)}".strip()
    domain = venue.lower().replace(" and ", "and").replace(" ", "") + rng.choice([".com", ".co", ".net"])
    mailbox = rng.choice([first.lower(), first[0].lower() + last.lower(), f"{first.lower()}.{last.lower()}"])
    email = f"{mailbox}@{domain}"
    phone_shown, phone_e164 = _phone(rng)
    street, city_line = _address(rng)
    regular, bold = FONTS[index % len(FONTS)]
    background, ink, accent = PALETTES[(index // len(FONTS)) % len(PALETTES)]
    width, height = 1050, 600
    image = Image.new("RGB", (width, height), background)
    draw = ImageDraw.Draw(image)
    big, mid, small = _font(bold, 50), _font(regular, 32), _font(regular, 28)
    label = rng.choice(["Tel: ", "T ", "Phone ", "Mobile: ", ""])
    contact_lines = [email, f"{label}{phone_shown}", f"www.{domain}", street, city_line]
    layout = index % 3
    if layout == 0:  # person first, left aligned
        draw.text((60, 50), person, font=big, fill=ink)
        draw.text((60, 118), title, font=mid, fill=accent)
        draw.text((60, 170), company, font=mid, fill=ink)
        y = 270
        for text in contact_lines:
            draw.text((60, y), text, font=small, fill=ink)
            y += 56
    elif layout == 1:  # company banner on top, centred
        draw.rectangle((0, 0, width, 110), fill=accent)
        draw.text((width / 2, 55), company, font=_font(bold, 44), fill=background, anchor="mm")
        draw.text((width / 2, 180), person, font=big, fill=ink, anchor="mm")
        draw.text((width / 2, 240), title, font=mid, fill=ink, anchor="mm")
        y = 320
        for text in contact_lines:
            draw.text((width / 2, y), text, font=small, fill=ink, anchor="mm")
            y += 52
    else:  # two columns: who on the left, how to reach them on the right
        draw.line((500, 60, 500, 540), fill=accent, width=3)
        draw.text((50, 80), company, font=_font(bold, 36), fill=accent)
        draw.text((50, 250), first, font=big, fill=ink)
        draw.text((50, 310), last, font=big, fill=ink)
        draw.text((50, 390), title, font=small, fill=ink)
        y = 150
        for text in contact_lines:
            draw.text((530, y), text, font=_font(regular, 25), fill=ink)
            y += 60
    truth = {
        "person_name": person,
        "title": title,
        "company": company,
        "email": email,
        "phone": phone_e164,
        "website": f"www.{domain}",
        "address": f"{street}, {city_line}",
    }
    return Sample(f"card-{index:03d}-{damage}", "business_card", damage, _damaged(image, damage, rng), truth)


def licence(rng: random.Random, index: int, damage: str) -> Sample:
    licensee = f"{rng.choice(VENUE_WORDS)} {rng.choice(VENUE_TYPES)} {rng.choice(['LLC', 'Inc.', 'Ltd.'])}"
    number = rng.choice(
        [
            f"{rng.randint(20, 77)}-{rng.randint(100000, 999999)}",
            f"LIQ-{rng.randint(1000000, 9999999)}",
            f"ABC{rng.randint(100000, 999999)}",
        ]
    )
    licence_class = rng.choice(LICENCE_CLASSES)
    expiry = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randint(30, 900))
    expiry_shown = rng.choice(
        [
            expiry.strftime("%m/%d/%Y"),
            expiry.strftime("%B %d, %Y"),
            expiry.isoformat(),
            expiry.strftime("%d %b %Y"),
        ]
    )
    street, city_line = _address(rng)
    regular, bold = FONTS[index % len(FONTS)]
    background, ink, accent = PALETTES[(index // len(FONTS)) % 3]  # licences are printed on light paper
    width, height = 1275, 900
    image = Image.new("RGB", (width, height), background)
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, width - 20, height - 20), outline=accent, width=6)
    state = city_line.split(", ")[1][:2]
    draw.text(
        (width / 2, 90),
        f"STATE OF {_STATE_NAMES.get(state, state)}",
        font=_font(bold, 34),
        fill=accent,
        anchor="mm",
    )
    draw.text((width / 2, 150), "ALCOHOLIC BEVERAGE LICENSE", font=_font(bold, 44), fill=ink, anchor="mm")
    label, value = _font(bold, 28), _font(regular, 30)
    rows = [
        (rng.choice(["License No.", "License Number", "Licence No:"]), number),
        ("Licensee", licensee),
        ("Premises Address", street),
        ("", city_line),
        (rng.choice(["License Type", "Class"]), licence_class),
        (rng.choice(["Expires", "Expiration Date", "Expiry Date"]), expiry_shown),
    ]
    y = 250
    for name, text in rows:
        if name:
            draw.text((90, y), f"{name}:", font=label, fill=ink)
        draw.text((470, y), text, font=value, fill=ink)
        y += 80
    draw.text(
        (90, y + 40),
        "This license must be posted in a conspicuous place on the premises.",
        font=_font(regular, 22),
        fill=ink,
    )
    truth = {
        "licence_number": number,
        "licensee": licensee,
        "premises_address": f"{street}, {city_line}",
        "licence_class": licence_class,
        "expiry_date": expiry.isoformat(),
    }
    return Sample(f"licence-{index:03d}-{damage}", "license", damage, _damaged(image, damage, rng), truth)


_STATE_NAMES = {"CA": "CALIFORNIA", "OR": "OREGON", "WA": "WASHINGTON"}


def _damaged(image: Image.Image, damage: str, rng: random.Random) -> Image.Image:
    """Return ``image`` as a phone camera might have caught it."""
    if damage == "rotated":
        return image.rotate(
            rng.choice([-1, 1]) * rng.uniform(3, 8),
            expand=True,
            fillcolor="#808080",
            resample=Image.Resampling.BICUBIC,
        )
    if damage == "blurred":
        return image.filter(ImageFilter.GaussianBlur(rng.uniform(1.2, 1.8)))
    if damage == "noisy":
        noise = Image.effect_noise(image.size, rng.uniform(28, 40)).convert("RGB")
        return Image.blend(image, noise, 0.22)
    if damage == "low_contrast":
        return ImageEnhance.Contrast(image).enhance(rng.uniform(0.3, 0.4))
    if damage == "perspective":
        return _photographed(image, rng)
    return image


def _photographed(image: Image.Image, rng: random.Random) -> Image.Image:
    """The document on a table seen at an angle: a perspective warp onto a darker background, softened."""
    width, height = image.size
    margin = int(0.08 * width)
    canvas_size = (width + 2 * margin, height + 2 * margin)

    def jitter() -> float:
        return rng.uniform(-0.05, 0.05) * width

    # Where each corner of the document lands on the canvas (top-left, top-right, bottom-right, bottom-left).
    corners = [
        (margin + jitter(), margin + jitter()),
        (margin + width + jitter(), margin + jitter()),
        (margin + width + jitter(), margin + height + jitter()),
        (margin + jitter(), margin + height + jitter()),
    ]
    source: list[tuple[float, float]] = [(0, 0), (width, 0), (width, height), (0, height)]
    coefficients = _perspective_coefficients(corners, source)
    canvas = Image.new("RGB", canvas_size, "#5a4a3a")
    warped = image.transform(canvas_size, Image.Transform.PERSPECTIVE, coefficients, Image.Resampling.BICUBIC)
    mask = Image.new("L", image.size, 255).transform(
        canvas_size, Image.Transform.PERSPECTIVE, coefficients, Image.Resampling.BICUBIC
    )
    canvas.paste(warped, (0, 0), mask)
    lit = ImageEnhance.Brightness(canvas).enhance(rng.uniform(0.85, 1.05))
    return lit.filter(ImageFilter.GaussianBlur(0.6))


def _perspective_coefficients(
    target: list[tuple[float, float]], source: list[tuple[float, float]]
) -> tuple[float, ...]:
    import numpy as np

    rows = []
    for (x, y), (u, v) in zip(target, source, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    matrix = np.array(rows, dtype=float)
    values = np.array([coordinate for point in source for coordinate in point], dtype=float)
    return tuple(float(c) for c in np.linalg.solve(matrix, values))


def samples(count: int, *, seed: int = 7) -> list[Sample]:
    """Return ``count`` documents, two cards for each licence, cycling through every kind of damage."""
    rng = random.Random(seed)
    out = []
    for index in range(count):
        damage = DAMAGES[(index // 3) % len(DAMAGES)]
        make = licence if index % 3 == 2 else business_card
        out.append(make(rng, index, damage))
    return out


def card_sample(seed: int = 1, damage: str = "clean") -> Sample:
    """One business card (the tests' standard document)."""
    return business_card(random.Random(seed), 0, damage)


def licence_sample(seed: int = 1, damage: str = "clean") -> Sample:
    """One liquor licence."""
    return licence(random.Random(seed), 0, damage)
