"""/api/docs: Swagger UI served from our own static files, so the docs work without internet access."""

from __future__ import annotations

import re
import urllib.request
from typing import Any
from urllib.parse import urlparse

from django.test import Client

# Every src= / href= the page references, and any absolute URL written anywhere in it.
REFERENCE = re.compile(r"""(?:src|href)=["']([^"']+)["']""")
ABSOLUTE_URL = re.compile(r"""https?://[^\s"'<>)]+""")


def docs_html(client: Client) -> str:
    response = client.get("/api/docs")
    assert response.status_code == 200
    return response.content.decode()


def test_the_docs_page_references_no_other_host(client: Client) -> None:
    html = docs_html(client)
    foreign = [url for url in ABSOLUTE_URL.findall(html) if urlparse(url).hostname != "testserver"]
    assert foreign == []
    assert all(ref.startswith("/") for ref in REFERENCE.findall(html))


def test_the_docs_page_loads_swagger_ui_from_our_vendor_files(client: Client) -> None:
    references = REFERENCE.findall(docs_html(client))
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in references
    assert "/static/vendor/swagger-ui/swagger-ui.css" in references
    assert "/static/leora/api-docs.js" in references


def test_the_docs_page_points_swagger_at_our_openapi_document(client: Client) -> None:
    html = docs_html(client)
    assert "&quot;url&quot;: &quot;/api/openapi.json&quot;" in html
    assert "&quot;validatorUrl&quot;: null" in html  # no badge fetched from validator.swagger.io


def test_every_file_the_docs_page_references_is_served(client: Client, live_server: Any) -> None:
    for reference in REFERENCE.findall(docs_html(client)):
        with urllib.request.urlopen(live_server.url + reference, timeout=30) as response:  # noqa: S310 (loopback)
            assert response.status == 200, reference
            assert len(response.read()) > 100, reference
