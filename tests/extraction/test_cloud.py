"""The cloud extractor, against a fake Anthropic HTTP transport (never the network)."""

from __future__ import annotations

import json
from typing import Any

import httpx2 as httpx
import pytest

from leora.extraction.cloud import TOOL_NAME, cloud_enabled, cloud_extract
from leora.extraction.models import ExtractionStatus
from leora.extraction.samples import Sample
from leora.extraction.services import extraction_run
from tests.conftest import World
from tests.extraction.conftest import reload, scan


def answering(tool_input: dict[str, Any], seen: list[dict[str, Any]]) -> httpx.Client:
    """An HTTP client whose transport answers every Messages call with one tool_use block."""

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(json.loads(request.content))
        return httpx.Response(200, json={
            "id": "msg_test", "type": "message", "role": "assistant", "model": "claude-test",
            "content": [{"type": "tool_use", "id": "toolu_1", "name": TOOL_NAME, "input": tool_input}],
            "stop_reason": "tool_use", "stop_sequence": None,
            "usage": {"input_tokens": 10, "output_tokens": 10},
        })  # fmt: skip

    return httpx.Client(transport=httpx.MockTransport(handle))


CARD_ANSWER = {
    "person_name": {"value": "Maria Gonzalez", "confidence": 0.97, "raw": "Maria Gonzalez"},
    "company": {"value": "Vineyard Bistro LLC", "confidence": 0.95},
    "email": {"value": "Maria@VineyardBistro.com", "confidence": 0.99},
    "phone": {"value": "(415) 392-7781", "confidence": 0.9, "raw": "T (415) 392-7781"},
    "phones": ["(415) 392-7781", "(415) 392-7782"],
}


def test_the_cloud_answer_comes_back_in_the_local_schema(card: Sample) -> None:
    seen: list[dict[str, Any]] = []
    parsed = cloud_extract(
        kind="business_card", image=card.image, region="US", api_key="test-key",
        http_client=answering(CARD_ANSWER, seen),
    )  # fmt: skip
    assert {name: f.value for name, f in parsed.fields.items()} == {
        "person_name": "Maria Gonzalez", "company": "Vineyard Bistro LLC",
        "email": "maria@vineyardbistro.com", "phone": "+14153927781",
    }  # fmt: skip
    assert (parsed.fields["phone"].confidence, parsed.fields["phone"].raw) == (0.9, "T (415) 392-7781")
    assert [p.value for p in parsed.phones] == ["+14153927781", "+14153927782"]


def test_the_request_sends_the_image_and_forces_the_tool(card: Sample) -> None:
    seen: list[dict[str, Any]] = []
    cloud_extract(kind="license", image=card.image, region="US", api_key="k", http_client=answering({}, seen))
    [body] = seen
    assert body["tool_choice"] == {"type": "tool", "name": TOOL_NAME}
    assert body["messages"][0]["content"][0]["source"]["media_type"] == "image/jpeg"
    assert "licence_number" in body["tools"][0]["input_schema"]["properties"]


def test_a_licence_date_from_the_cloud_is_stored_as_iso(card: Sample) -> None:
    answer = {"expiry_date": {"value": "June 30, 2027", "confidence": 0.9}}
    parsed = cloud_extract(
        kind="license", image=card.image, region="US", api_key="k", http_client=answering(answer, [])
    )
    assert parsed.fields["expiry_date"].value == "2027-06-30"


def test_the_cloud_is_off_without_an_api_key(monkeypatch: Any) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    assert cloud_enabled() is False


@pytest.mark.django_db
def test_a_scan_falls_back_to_local_ocr_when_the_cloud_fails(
    world: World, small_card_png: bytes, monkeypatch: Any
) -> None:
    # An unroutable proxy makes the SDK's own HTTP client fail at once, without leaving the machine.
    monkeypatch.setenv("ANTHROPIC_API_KEY", "test-key")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", "http://127.0.0.1:9")
    extraction = scan(world.acme, world.rep1, small_card_png)
    extraction_run(tenant=world.acme, extraction_id=extraction.pk, progress=lambda p, m: None)
    stored = reload(extraction)
    assert (stored.status, stored.engine) == (ExtractionStatus.COMPLETED, "rapidocr")
