"""Scan accuracy: both OCR engines on the same generated business cards and licences (fonts, layouts,
colours, rotation, blur, noise, low contrast, perspective), field by field, and seconds per image."""

from __future__ import annotations

import os
import re
import statistics
import time
from collections import defaultdict
from dataclasses import dataclass, field

from leora.extraction.engines import ENGINES, engine_get
from leora.extraction.parsing import CARD_FIELDS, FIELD_LABELS, LICENCE_FIELDS, parse
from leora.extraction.samples import DAMAGES, Sample, samples

COUNT = 66
# Values people type by hand are compared loosely (case, punctuation, spacing); values a machine
# reads back (emails, phones, websites, licence numbers, dates) must match exactly.
EXACT = {"email", "phone", "website", "licence_number", "expiry_date"}
TARGETS = {"email": 0.95, "phone": 0.95, "person_name": 0.90, "company": 0.90, "licence_number": 0.95}
TARGET_SECONDS = 2.0


def loose(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[.,;:'\"]", "", text)).strip().casefold()


def correct(name: str, expected: str, got: str | None) -> bool:
    if got is None:
        return False
    return got == expected if name in EXACT else loose(got) == loose(expected)


@dataclass
class Scores:
    hits: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    totals: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    damage_hits: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    damage_totals: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    seconds: list[float] = field(default_factory=list)
    cpu_seconds: list[float] = field(default_factory=list)

    def rate(self, name: str) -> float:
        return self.hits[name] / self.totals[name] if self.totals[name] else 0.0


def cpu_seconds() -> float:
    """CPU time of this process and its children (Tesseract runs as a child process)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def measure(documents: list[Sample], engine: str) -> Scores:
    """Read every document with ``engine`` (loaded and warmed up first) and score each field."""
    reader = engine_get(engine)
    reader.read(documents[0].image)  # the first run warms the engine up; a worker pays it once
    scores = Scores()
    for document in documents:
        started, cpu = time.perf_counter(), cpu_seconds()
        parsed = parse(document.kind, reader.read(document.image), region="US")
        scores.seconds.append(time.perf_counter() - started)
        scores.cpu_seconds.append(cpu_seconds() - cpu)
        for name, expected in document.truth.items():
            found = parsed.fields.get(name)
            hit = correct(name, expected, found.value if found else None)
            scores.totals[name] += 1
            scores.hits[name] += hit
            scores.damage_totals[document.damage] += 1
            scores.damage_hits[document.damage] += hit
    return scores


def report(documents: list[Sample], results: dict[str, Scores]) -> str:
    engines = list(results)
    header = "| | " + " | ".join(engines) + " | target (default engine) |"
    rule = "|---|" + "---:|" * len(engines) + "---:|"
    count = len(documents)
    cards = sum(1 for document in documents if document.kind == "business_card")
    lines = [
        f"### Scan accuracy: {count} generated documents ({cards} business cards, {count - cards} licences)",
        "",
        "Share of documents whose field was read right (emails, phones, websites, licence numbers and dates "
        "exactly; names, titles, companies and addresses ignoring case and punctuation).",
        "",
        header,
        rule,
    ]
    for name in (*CARD_FIELDS, *LICENCE_FIELDS):
        target = TARGETS.get(name)
        cells = [f"{results[e].rate(name):.0%}" for e in engines]
        lines.append(
            f"| {FIELD_LABELS[name]} | " + " | ".join(cells) + f" | {f'>= {target:.0%}' if target else ''} |"
        )
    for damage in DAMAGES:
        cells = [
            f"{results[e].damage_hits[damage] / results[e].damage_totals[damage]:.0%}"
            if results[e].damage_totals[damage]
            else "-"
            for e in engines
        ]
        lines.append(f"| all fields, {damage.replace('_', ' ')} | " + " | ".join(cells) + " | |")
    mean = [f"{statistics.mean(results[e].seconds):.2f}" for e in engines]
    worst = [f"{max(results[e].seconds):.2f}" for e in engines]
    cpu = [f"{statistics.mean(results[e].cpu_seconds):.2f}" for e in engines]
    lines.append("| seconds per image, mean | " + " | ".join(mean) + f" | < {TARGET_SECONDS:.0f} |")
    lines.append("| seconds per image, slowest | " + " | ".join(worst) + " | |")
    lines.append("| CPU seconds per image, mean | " + " | ".join(cpu) + " | |")
    lines.append("")
    lines.append(
        "Wall-clock seconds depend on what else the machine runs: the load average was "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores at the end of this run. CPU seconds are the "
        "engine's own cost."
    )
    return "\n".join(lines)


def run(count: int = COUNT, engines: tuple[str, ...] = ENGINES) -> str:
    """Generate ``count`` documents and return the Markdown table of every engine's accuracy and speed."""
    documents = samples(count)
    return report(documents, {engine: measure(documents, engine) for engine in engines})
