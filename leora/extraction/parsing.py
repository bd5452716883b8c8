"""From OCR lines to fields: a person's name, title, company, emails, phones (E.164), website and address on
a business card; licence number, licensee, premises address, class and expiry date on a liquor licence.

Every field carries its value, a confidence (0-1: the OCR's own confidence times how sure the rule that
picked it is) and the raw text it came from, so the review page can show why it guessed what it did.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from leora.extraction.engines import OcrLine

# A field below this confidence is highlighted on the review page.
LOW_CONFIDENCE = 0.8
DEFAULT_REGION = "US"

CARD_FIELDS = ("person_name", "title", "company", "email", "phone", "website", "address")
LICENCE_FIELDS = ("licence_number", "licensee", "premises_address", "licence_class", "expiry_date")
FIELD_LABELS = {
    "person_name": "Name",
    "title": "Title",
    "company": "Company",
    "email": "Email",
    "phone": "Phone",
    "website": "Website",
    "address": "Address",
    "licence_number": "Licence number",
    "licensee": "Licensee",
    "premises_address": "Premises address",
    "licence_class": "Licence class",
    "expiry_date": "Expiry date",
}


@dataclass
class ExtractedField:
    value: str
    confidence: float
    raw: str

    def as_dict(self) -> dict[str, Any]:
        return {"value": self.value, "confidence": round(self.confidence, 3), "raw": self.raw}


@dataclass
class Parsed:
    """What a document said: one value per field, plus every email and phone found."""

    fields: dict[str, ExtractedField] = field(default_factory=dict)
    emails: list[ExtractedField] = field(default_factory=list)
    phones: list[ExtractedField] = field(default_factory=list)

    def fields_json(self) -> dict[str, dict[str, Any]]:
        return {name: value.as_dict() for name, value in self.fields.items()}

    def candidates_json(self) -> dict[str, list[dict[str, Any]]]:
        return {"emails": [asdict(e) for e in self.emails], "phones": [asdict(p) for p in self.phones]}


# ------------------------------------------------------------------------------------------ the region


@cache
def _zone_countries() -> dict[str, str]:
    countries: dict[str, str] = {}
    for table in (Path("/usr/share/zoneinfo/zone.tab"), _tzdata_zone_tab()):
        if table is None or not table.is_file():
            continue
        for row in table.read_text(encoding="utf-8").splitlines():
            if row and not row.startswith("#"):
                parts = row.split("\t")
                if len(parts) >= 3:
                    countries.setdefault(parts[2], parts[0])
    return countries


def _tzdata_zone_tab() -> Path | None:
    try:
        import tzdata
    except ImportError:
        return None
    return Path(tzdata.__file__).parent / "zoneinfo" / "zone.tab"


def region_of_timezone(timezone: str) -> str:
    """Return the two-letter country of an IANA timezone (America/Los_Angeles -> US), or US."""
    try:
        zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return DEFAULT_REGION
    return _zone_countries().get(timezone, DEFAULT_REGION)


# ------------------------------------------------------------------------------------- single values

EMAIL_RE = re.compile(r"[A-Za-z0-9._%+\-]+\s?@\s?[A-Za-z0-9\-]+(?:\s?\.\s?[A-Za-z0-9\-]+)+")
WEBSITE_RE = re.compile(r"\b((?:https?://)?(?:www\.)[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+(?:/\S*)?)", re.I)
BARE_DOMAIN_RE = re.compile(
    r"^\s*((?:https?://)?[A-Za-z0-9\-]+\.(?:com|net|org|co|wine|bar|us|ca|uk|au|io)(?:/\S*)?)\s*$", re.I
)
STREET_RE = re.compile(
    r"^\s*\d{1,6}[A-Za-z]?\s+(?:[A-Za-z0-9.'\-]+\s+){0,5}"
    r"(?:st|street|ave|avenue|blvd|boulevard|rd|road|dr|drive|ln|lane|way|ct|court|pl|place|broadway|"
    r"hwy|highway|pkwy|parkway|sq|square|ter|terrace|suite|ste)\b",
    re.I,
)
CITY_LINE_RE = re.compile(r"[A-Za-z .'\-]+,\s*[A-Z]{2}\.?\s+\d{5}(?:-\d{4})?\b")
POSTCODE_RE = re.compile(r"\b(\d{5}(?:-\d{4})?|[A-Z]\d[A-Z]\s?\d[A-Z]\d|[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2})\b")
LICENCE_NUMBER_RE = re.compile(r"\b([A-Z]{0,4}[-\s]?\d{2,4}[-\s]?\d{3,8}|[A-Z]{2,4}-?\d{5,10}|\d{6,10})\b")
PHONE_LABEL_RE = re.compile(r"^\s*(fax|f)\b", re.I)

COMPANY_WORDS = {
    "llc",
    "inc",
    "inc.",
    "ltd",
    "ltd.",
    "co",
    "co.",
    "corp",
    "company",
    "group",
    "bistro",
    "bar",
    "tavern",
    "kitchen",
    "cellars",
    "cellar",
    "market",
    "hotel",
    "taproom",
    "brasserie",
    "trattoria",
    "shop",
    "club",
    "restaurant",
    "winery",
    "wines",
    "wine",
    "vineyards",
    "distributors",
    "distributing",
    "imports",
    "cafe",
    "grill",
    "pub",
    "brewery",
    "brewing",
    "lounge",
    "inn",
    "deli",
    "grocers",
    "grocery",
    "liquors",
    "spirits",
}
TITLE_WORDS = {
    "sommelier",
    "director",
    "manager",
    "owner",
    "buyer",
    "chef",
    "president",
    "ceo",
    "cfo",
    "coo",
    "founder",
    "partner",
    "head",
    "purchasing",
    "beverage",
    "general",
    "operations",
    "sales",
    "bartender",
    "proprietor",
    "executive",
    "vp",
    "vice",
    "assistant",
    "lead",
    "coordinator",
    "representative",
    "store",
    "wine",
}


def normalize_email(text: str) -> str | None:
    """Return the address in ``text`` when it is a well-formed email (no DNS lookup), else None."""
    match = EMAIL_RE.search(text)
    if not match:
        return None
    candidate = re.sub(r"\s+", "", match.group(0)).strip(".")
    try:
        return validate_email(candidate, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return None


def find_phones(text: str, region: str) -> list[str]:
    """Return the phone numbers in ``text`` as E.164, read in ``region`` when they lack a country code."""
    found = []
    for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.POSSIBLE):
        found.append(phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164))
    if not found:
        # OCR sometimes glues a label to the digits ("Tel:415...") or drops a separator; try the digits alone.
        digits = re.sub(r"[^\d+]", "", text)
        if 10 <= len(digits.lstrip("+")) <= 15 and len(digits) >= 0.5 * len(re.sub(r"\s", "", text)):
            try:
                number = phonenumbers.parse(digits, region)
            except phonenumbers.NumberParseException:
                return []
            if phonenumbers.is_possible_number(number):
                found.append(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
    return found


def normalize_licence_number(text: str) -> str:
    """Return a licence number as printed, upper case, inner spaces dropped ("47 - 123456" -> "47-123456")."""
    return re.sub(r"\s*-\s*", "-", re.sub(r"\s+", " ", text.strip().upper())).replace(" ", "")


def licence_number_in(text: str) -> str | None:
    """Return the first thing in ``text`` shaped like a licence number, or None."""
    joined = re.sub(r"\s*-\s*", "-", text.upper())
    if re.fullmatch(r"[\dO\-\s]+", joined):
        joined = joined.replace("O", "0")  # all digits but one read as a letter O
    match = LICENCE_NUMBER_RE.search(joined)
    return normalize_licence_number(match.group(1)) if match else None


_MONTHS = {
    name.lower(): index
    for index, name in enumerate(
        [
            "",
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ]
    )
    if name
}
_MONTHS.update({name[:3]: index for name, index in list(_MONTHS.items())})
_MONTHS["sept"] = 9


def parse_date(text: str, *, region: str = DEFAULT_REGION) -> dt.date | None:
    """Read a date written as 2027-06-30, 06/30/2027 (30/06/2027 outside the US), June 30, 2027 or
    30 Jun 2027; return None when ``text`` holds none."""
    cleaned = text.strip().replace(",", " ").replace(".", " ")
    iso = re.search(r"\b(\d{4})[-/](\d{1,2})[-/](\d{1,2})\b", cleaned)
    try:
        if iso:
            return dt.date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        numeric = re.search(r"\b(\d{1,2})[/\-](\d{1,2})[/\-](\d{2,4})\b", text)
        if numeric:
            first, second, year = (int(g) for g in numeric.groups())
            year = year + 2000 if year < 100 else year
            month_first = region in {"US", "PH", "CA", "FM", "MH", "PW"}
            if first > 12:
                month_first = False
            elif second > 12:
                month_first = True
            month, day = (first, second) if month_first else (second, first)
            return dt.date(year, month, day)
        words = re.search(r"\b([A-Za-z]{3,9})\s+(\d{1,2})(?:st|nd|rd|th)?\s+(\d{4})\b", cleaned)
        if words and words.group(1).lower() in _MONTHS:
            return dt.date(int(words.group(3)), _MONTHS[words.group(1).lower()], int(words.group(2)))
        words = re.search(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\s+(\d{4})\b", cleaned)
        if words and words.group(2).lower() in _MONTHS:
            return dt.date(int(words.group(3)), _MONTHS[words.group(2).lower()], int(words.group(1)))
    except ValueError:
        return None
    return None


def _words(text: str) -> list[str]:
    return [w.strip(",.;:()").lower() for w in text.split()]


def _looks_like_name(text: str) -> bool:
    words = text.split()
    if not 2 <= len(words) <= 4:
        return False
    if any(w.strip(".,").lower() in COMPANY_WORDS or w.strip(".,").lower() in TITLE_WORDS for w in words):
        return False
    return all(re.fullmatch(r"[A-Z][A-Za-z'\u2019\-]*\.?|[A-Z]\.", w) for w in words)


# ------------------------------------------------------------------------------------ business cards


def parse_business_card(lines: list[OcrLine], *, region: str = DEFAULT_REGION) -> Parsed:
    """Return the fields of a business card read as ``lines`` (in reading order)."""
    parsed = Parsed()
    used: set[int] = set()
    for index, line in enumerate(lines):
        email = normalize_email(line.text)
        if email:
            parsed.emails.append(ExtractedField(email, line.confidence, line.text))
            used.add(index)
            continue
        website = WEBSITE_RE.search(line.text) or BARE_DOMAIN_RE.match(line.text)
        if website:
            parsed.fields.setdefault(
                "website", ExtractedField(website.group(1).lower(), line.confidence, line.text)
            )
            used.add(index)
            continue
        if not STREET_RE.match(line.text):
            phones = find_phones(line.text, region)
            for number in phones:
                if not PHONE_LABEL_RE.match(line.text):
                    parsed.phones.append(ExtractedField(number, line.confidence, line.text))
            if phones:
                used.add(index)
                continue
    if parsed.emails:
        parsed.fields["email"] = parsed.emails[0]
    if parsed.phones:
        parsed.fields["phone"] = parsed.phones[0]
    address = _address(lines, used)
    if address:
        parsed.fields["address"] = address
    rest = [(i, line) for i, line in enumerate(lines) if i not in used]
    _people_and_company(parsed, lines, rest, used)
    return parsed


def _address(lines: list[OcrLine], used: set[int], start: int = 0) -> ExtractedField | None:
    """Find a street line and the city line after it (or a city line alone); mark them used."""
    for index in range(start, len(lines)):
        if index in used:
            continue
        text = lines[index].text
        if STREET_RE.match(text):
            parts, confidences = [text.strip()], [lines[index].confidence]
            used.add(index)
            if CITY_LINE_RE.search(text) or POSTCODE_RE.search(text.split(",")[-1]):
                return ExtractedField(_tidy_address(parts), min(confidences), text)
            for following in range(index + 1, min(index + 3, len(lines))):
                if following in used:
                    continue
                if CITY_LINE_RE.search(lines[following].text) or POSTCODE_RE.search(lines[following].text):
                    parts.append(lines[following].text.strip())
                    confidences.append(lines[following].confidence)
                    used.add(following)
                    break
            confidence = min(confidences) * (1.0 if len(parts) > 1 else 0.7)
            return ExtractedField(_tidy_address(parts), confidence, " / ".join(parts))
    for index in range(start, len(lines)):
        if index not in used and CITY_LINE_RE.search(lines[index].text):
            used.add(index)
            return ExtractedField(lines[index].text.strip(), lines[index].confidence * 0.6, lines[index].text)
    return None


def _tidy_address(parts: list[str]) -> str:
    joined = ", ".join(p.strip().strip(",") for p in parts)
    # OCR reads a capital O as a zero inside words ("0ak Avenue", "Portland, 0R").
    joined = re.sub(r"\b0(?=[A-Za-z])|(?<=[A-Za-z])0\b", "O", joined)
    joined = re.sub(r"\s*,\s*", ", ", joined)
    return re.sub(r"\s+", " ", joined)


def _people_and_company(
    parsed: Parsed, lines: list[OcrLine], rest: list[tuple[int, OcrLine]], used: set[int]
) -> None:
    title_index = company_index = None
    for index, line in rest:
        words = _words(line.text)
        company_hits = sum(w in COMPANY_WORDS for w in words)
        title_hits = sum(w in TITLE_WORDS for w in words)
        if company_index is None and company_hits and company_hits >= title_hits and not _title_shaped(words):
            company_index = index
        elif title_index is None and title_hits and len(words) <= 6:
            title_index = index
    name_candidates = [
        (index, line)
        for index, line in rest
        if index not in {title_index, company_index} and _looks_like_name(line.text)
    ]
    # Two lines of one word each, one under the other, are a name split over two lines.
    singles = [
        (index, line)
        for index, line in rest
        if index not in {title_index, company_index}
        and re.fullmatch(r"[A-Z][a-z'\u2019\-]+", line.text.strip())
    ]
    name: ExtractedField | None = None
    if name_candidates:
        # The name is usually the largest text on the card after the company.
        index, line = max(name_candidates, key=lambda item: item[1].height)
        name = ExtractedField(" ".join(line.text.split()), line.confidence, line.text)
    elif len(singles) >= 2 and singles[1][0] == singles[0][0] + 1:
        (_, first), (_, second) = singles[:2]
        text = f"{first.text.strip()} {second.text.strip()}"
        name = ExtractedField(
            text, min(first.confidence, second.confidence) * 0.9, f"{first.text} / {second.text}"
        )
    if name:
        parsed.fields["person_name"] = name
    if title_index is not None:
        line = lines[title_index]
        parsed.fields["title"] = ExtractedField(" ".join(line.text.split()), line.confidence, line.text)
    if company_index is not None:
        line = lines[company_index]
        parsed.fields["company"] = ExtractedField(" ".join(line.text.split()), line.confidence, line.text)
    elif "email" in parsed.fields or "website" in parsed.fields:
        # No line names the company: a guess from the domain, flagged by its low confidence.
        source = parsed.fields.get("website") or parsed.fields["email"]
        domain = source.value.split("@")[-1].removeprefix("www.").split(".")[0]
        if domain:
            parsed.fields["company"] = ExtractedField(domain.capitalize(), 0.3, source.raw)


def _title_shaped(words: list[str]) -> bool:
    return bool(words) and words[-1] in {"sommelier", "director", "manager", "owner", "buyer", "chef"}


# ------------------------------------------------------------------------------------------ licences

LICENCE_LABELS: list[tuple[str, re.Pattern[str]]] = [
    (
        "licence_number",
        re.compile(r"\blicen[cs]e\s*(?:no\b\.?|number|num\b\.?|#)|\bpermit\s*(?:no|number|#)", re.I),
    ),
    ("licensee", re.compile(r"\b(?:licensee|licencee|business\s+name|holder|owner)\b", re.I)),
    ("premises_address", re.compile(r"\b(?:premises(?:\s+address)?|address|location)\b", re.I)),
    (
        "licence_class",
        re.compile(r"\b(?:licen[cs]e\s+(?:type|class)|class|type\s+of\s+licen[cs]e|category)\b\s*:", re.I),
    ),
    (
        "expiry_date",
        re.compile(
            r"\b(?:expires?|expiry(?:\s+date)?|expiration(?:\s+date)?|valid\s+(?:until|through|thru))\b", re.I
        ),
    ),
]


def _label_of(text: str) -> tuple[str, str] | None:
    """Return (field, text after the label) when ``text`` starts with a licence label."""
    for name, pattern in LICENCE_LABELS:
        match = pattern.search(text)
        if match and match.start() <= 3:
            return name, text[match.end() :].strip(" :.#-")
    return None


def parse_licence(lines: list[OcrLine], *, region: str = DEFAULT_REGION) -> Parsed:
    """Return the fields of a liquor licence read as ``lines`` (in reading order)."""
    parsed = Parsed()
    values: dict[str, list[tuple[str, float, str]]] = {}
    current: str | None = None
    for line in lines:
        labelled = _label_of(line.text)
        if labelled:
            current, remainder = labelled
            values.setdefault(current, [])
            if remainder:
                values[current].append((remainder, line.confidence, line.text))
            continue
        if current is not None and _starts_section(line.text):
            current = None
        if current is not None:
            taken = values.setdefault(current, [])
            # One line per field except the address, which may run to a second (the city line).
            if not taken or (current == "premises_address" and len(taken) == 1):
                # OCR reads a stray mark (a bit of the label's colon, a fold) as ";" or "|" before the value.
                taken.append((line.text.strip().lstrip(";:,.|'\" ").strip(), line.confidence, line.text))
                continue
    number = values.get("licence_number")
    if number:
        found = licence_number_in(number[0][0])
        if found:
            parsed.fields["licence_number"] = ExtractedField(found, number[0][1], number[0][2])
    if "licence_number" not in parsed.fields:
        for line in lines:
            found = licence_number_in(line.text) if not parse_date(line.text, region=region) else None
            if found and not POSTCODE_RE.fullmatch(found):
                parsed.fields["licence_number"] = ExtractedField(found, line.confidence * 0.6, line.text)
                break
    if values.get("licensee"):
        text, confidence, raw = values["licensee"][0]
        parsed.fields["licensee"] = ExtractedField(" ".join(text.split()), confidence, raw)
    if values.get("premises_address"):
        parts = values["premises_address"]
        parsed.fields["premises_address"] = ExtractedField(
            _tidy_address([p[0] for p in parts]), min(p[1] for p in parts), " / ".join(p[2] for p in parts)
        )
    else:
        address = _address(lines, set())
        if address:
            parsed.fields["premises_address"] = ExtractedField(
                address.value, address.confidence * 0.8, address.raw
            )
    if values.get("licence_class"):
        text, confidence, raw = values["licence_class"][0]
        parsed.fields["licence_class"] = ExtractedField(" ".join(text.split()), confidence, raw)
    expiry_sources = values.get("expiry_date", [])
    for text, confidence, raw in expiry_sources:
        date = parse_date(text, region=region)
        if date:
            parsed.fields["expiry_date"] = ExtractedField(date.isoformat(), confidence, raw)
            break
    return parsed


def _starts_section(text: str) -> bool:
    return text.rstrip().endswith(":")


def parse(kind: str, lines: list[OcrLine], *, region: str = DEFAULT_REGION) -> Parsed:
    """Return the fields of a document of ``kind`` (business_card or license)."""
    if kind == "license":
        return parse_licence(lines, region=region)
    return parse_business_card(lines, region=region)
