"""The documentation keeps up with the code: every API operation is described, every link resolves."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent
API_DOC = ROOT / "docs" / "api.md"
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
INLINE_CODE = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"!?\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
DOC_MENTION = re.compile(r"(?<![\w/.-])(docs/[\w.-]+\.md)\b")


def _path_pattern(path: str) -> re.Pattern[str]:
    """A pattern finding ``path`` in prose, whatever its parameters are called there ({id}, {code})."""
    parts = re.split(r"\{[^}]*\}", path)
    # A path must not match a longer one: /api/jobs is not mentioned by /api/jobs/process alone.
    return re.compile(r"\{[^}\s]*\}".join(re.escape(p) for p in parts) + r"(?![\w/{-])")


def _prose(text: str) -> str:
    """The text outside fenced code blocks, where a link is a link."""
    return FENCE.sub("", text)


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens."""
    text = INLINE_CODE.sub(lambda m: m.group(0).strip("`"), heading).strip().lower()
    return re.sub(r"\s", "-", re.sub(r"[^\w\s-]", "", text))


def _links(document: Path) -> list[str]:
    return LINK.findall(INLINE_CODE.sub("", _prose(document.read_text(encoding="utf-8"))))


@pytest.fixture(scope="module")
def openapi_paths() -> list[str]:
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    paths = list(response.json()["paths"])
    assert len(paths) > 20
    return paths


def test_the_openapi_document_needs_no_token(client: Client) -> None:
    response = client.get("/api/openapi.json")

    assert response.status_code == 200
    assert "/api/customers" in response.json()["paths"]


def test_every_api_path_is_described_in_the_api_guide(openapi_paths: list[str]) -> None:
    guide = API_DOC.read_text(encoding="utf-8")

    missing = [path for path in openapi_paths if not _path_pattern(path).search(guide)]

    assert not missing, f"docs/api.md does not mention: {', '.join(missing)}"


def test_a_path_pattern_matches_other_parameter_names_but_not_longer_paths() -> None:
    pattern = _path_pattern("/api/tasks/{task_id}/complete")

    assert pattern.search("`POST /api/tasks/{id}/complete`")
    assert not pattern.search("`POST /api/tasks/{id}/completed`")
    assert not _path_pattern("/api/jobs").search("`GET /api/jobs/process`")
    assert _path_pattern("/api/jobs").search("`GET|POST /api/jobs` (list)")


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda d: str(d.relative_to(ROOT)))
def test_every_relative_link_points_at_an_existing_file(document: Path) -> None:
    broken = []
    for target in _links(document):
        if EXTERNAL.match(target) or target.startswith("#"):
            continue
        path = target.split("#", 1)[0]
        if not (document.parent / path).exists():
            broken.append(target)

    assert not broken, f"{document.relative_to(ROOT)} links to missing files: {', '.join(broken)}"


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda d: str(d.relative_to(ROOT)))
def test_every_anchor_link_points_at_a_heading(document: Path) -> None:
    headings_of: dict[Path, set[str]] = {}
    broken = []
    for target in _links(document):
        if EXTERNAL.match(target) or "#" not in target:
            continue
        path, anchor = target.split("#", 1)
        file = (document.parent / path).resolve() if path else document
        if not file.is_file() or file.suffix != ".md":
            continue
        if file not in headings_of:
            text = _prose(file.read_text(encoding="utf-8"))
            headings_of[file] = {_slug(h) for h in HEADING.findall(text)}
        if anchor not in headings_of[file]:
            broken.append(target)

    assert not broken, f"{document.relative_to(ROOT)} links to missing headings: {', '.join(broken)}"


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda d: str(d.relative_to(ROOT)))
def test_every_document_named_in_the_text_exists(document: Path) -> None:
    named = set(DOC_MENTION.findall(document.read_text(encoding="utf-8")))

    missing = sorted(name for name in named if not (ROOT / name).is_file())

    assert not missing, f"{document.relative_to(ROOT)} names missing documents: {', '.join(missing)}"
