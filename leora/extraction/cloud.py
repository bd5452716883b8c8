"""The optional cloud extractor: Claude reads the image and answers in the same fields as local OCR.

Used only when ANTHROPIC_API_KEY is set. The ``anthropic`` package is an optional extra
(``pip install leora[cloud]``) imported inside the function, so Leora runs without it.
"""

from __future__ import annotations

import base64
import io
from typing import Any

from django.conf import settings
from PIL import Image

from leora.env import env_str
from leora.extraction.engines import bounded
from leora.extraction.parsing import (
    CARD_FIELDS,
    LICENCE_FIELDS,
    ExtractedField,
    Parsed,
    find_phones,
    normalize_email,
    normalize_licence_number,
    parse_date,
)

DEFAULT_MODEL = "claude-sonnet-5"
TOOL_NAME = "record_document_fields"
# Large enough for small print on a licence; small enough to stay well under the API's image limits.
CLOUD_MAX_SIDE = 1600

_DESCRIPTIONS = {
    "person_name": "the person's full name",
    "title": "the person's job title",
    "company": "the company or venue name",
    "email": "the main email address",
    "phone": "the main phone number as printed (not a fax)",
    "website": "the website",
    "address": "the postal address on one line",
    "licence_number": "the licence or permit number exactly as printed",
    "licensee": "the licence holder's name",
    "premises_address": "the licensed premises' address on one line",
    "licence_class": "the licence type or class",
    "expiry_date": "the expiry date as YYYY-MM-DD",
}


def cloud_enabled() -> bool:
    """Return True when an Anthropic API key is configured."""
    return bool(env_str("ANTHROPIC_API_KEY").strip())


def _tool(kind: str) -> dict[str, Any]:
    names = LICENCE_FIELDS if kind == "license" else CARD_FIELDS
    field_schema = {
        "type": "object",
        "properties": {
            "value": {"type": "string"},
            "confidence": {"type": "number", "minimum": 0, "maximum": 1},
            "raw": {"type": "string", "description": "the text on the document it was read from"},
        },
        "required": ["value", "confidence"],
    }
    properties: dict[str, Any] = {
        name: {**field_schema, "description": _DESCRIPTIONS[name]} for name in names
    }
    properties["emails"] = {"type": "array", "items": {"type": "string"}, "description": "every email"}
    properties["phones"] = {"type": "array", "items": {"type": "string"}, "description": "every phone number"}
    return {
        "name": TOOL_NAME,
        "description": "Record the fields read from the document. Leave out a field that is not on it.",
        "input_schema": {"type": "object", "properties": properties},
    }


def _jpeg_base64(image: Image.Image) -> str:
    buffer = io.BytesIO()
    bounded(image, CLOUD_MAX_SIDE).save(buffer, format="JPEG", quality=88)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def cloud_extract(
    *, kind: str, image: Image.Image, region: str, http_client: Any = None, api_key: str | None = None
) -> Parsed:
    """Ask Claude for the fields of ``image``; return them normalised as local parsing would (E.164
    phones, validated emails, ISO dates). ``http_client`` (an httpx client) is for tests."""
    import anthropic

    client = anthropic.Anthropic(
        api_key=api_key or env_str("ANTHROPIC_API_KEY"), http_client=http_client, max_retries=1
    )
    what = "liquor licence" if kind == "license" else "business card"
    # The request is plain JSON-shaped data; the SDK's TypedDicts add nothing a test doesn't check.
    create: Any = client.messages.create
    message = create(
        model=str(getattr(settings, "LEORA_EXTRACTION_CLOUD_MODEL", DEFAULT_MODEL)),
        max_tokens=1024,
        tools=[_tool(kind)],
        tool_choice={"type": "tool", "name": TOOL_NAME},
        messages=[
            {
                "role": "user",
                "content": [
                    {
                        "type": "image",
                        "source": {"type": "base64", "media_type": "image/jpeg", "data": _jpeg_base64(image)},
                    },
                    {"type": "text", "text": f"Read this {what} and record its fields."},
                ],
            }
        ],
    )
    answer: dict[str, Any] = {}
    for block in message.content:
        if getattr(block, "type", "") == "tool_use" and getattr(block, "name", "") == TOOL_NAME:
            answer = dict(getattr(block, "input", {}) or {})
            break
    return _normalised(kind, answer, region)


def _normalised(kind: str, answer: dict[str, Any], region: str) -> Parsed:
    parsed = Parsed()
    for name in LICENCE_FIELDS if kind == "license" else CARD_FIELDS:
        item = answer.get(name)
        if not isinstance(item, dict) or not str(item.get("value", "")).strip():
            continue
        value = str(item["value"]).strip()
        raw = str(item.get("raw") or value)
        try:
            confidence = max(0.0, min(1.0, float(item.get("confidence", 0.5))))
        except (TypeError, ValueError):
            confidence = 0.5
        if name == "email":
            value = normalize_email(value) or ""
        elif name == "phone":
            value = next(iter(find_phones(value, region)), "")
        elif name == "licence_number":
            value = normalize_licence_number(value)
        elif name == "expiry_date":
            date = parse_date(value, region=region)
            value = date.isoformat() if date else ""
        if value:
            parsed.fields[name] = ExtractedField(value, confidence, raw)
    for text in answer.get("emails") or []:
        email = normalize_email(str(text))
        if email:
            parsed.emails.append(
                ExtractedField(
                    email, parsed.fields.get("email", ExtractedField("", 0.9, "")).confidence, str(text)
                )
            )
    for text in answer.get("phones") or []:
        for number in find_phones(str(text), region):
            parsed.phones.append(ExtractedField(number, 0.9, str(text)))
    if "email" in parsed.fields and not parsed.emails:
        parsed.emails.append(parsed.fields["email"])
    if "phone" in parsed.fields and not parsed.phones:
        parsed.phones.append(parsed.fields["phone"])
    return parsed
