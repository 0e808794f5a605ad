"""Every citation of the design document names a section that it has."""

from __future__ import annotations

import pathlib
import re

ROOT = pathlib.Path(__file__).parent.parent
DESIGN = (ROOT / "DESIGN.md").read_text(encoding="utf-8")
HEADINGS = re.findall(r"^#{2,4} (.+)$", DESIGN, flags=re.MULTILINE)

# A citation is a link (`[DESIGN.md](DESIGN.md#a-section)`, or the whole file) or, in code and
# tests, the file and a section's title in quotes (`DESIGN.md, "Wire notes"`).
CITATION = re.compile(
    r"\[DESIGN\.md\]"  # a link's text
    r"|DESIGN\.md(?:#(?P<anchor>[\w-]+))?\)"  # a link's target
    r'|DESIGN\.md,\s+"(?P<title>[^"]+)"'
)


def _slug(heading: str) -> str:
    """The anchor GitHub gives a heading."""
    kept = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return kept.replace(" ", "-")


def _citing() -> list[pathlib.Path]:
    paths = [ROOT / "README.md", ROOT / "BENCHMARKS.md"]
    for folder in ("poller", "tests", "examples", "benchmarks"):
        paths += sorted((ROOT / folder).rglob("*.py")) + sorted((ROOT / folder).rglob("*.md"))
    return [path for path in paths if path != pathlib.Path(__file__)]


def test_citations_name_existing_sections() -> None:
    """Each mention is a link or a quoted section title, and the section exists."""
    slugs = {_slug(heading) for heading in HEADINGS}
    unplaced, missing = [], []
    for path in _citing():
        text = path.read_text(encoding="utf-8")
        citations = list(CITATION.finditer(text))
        if len(re.findall(r"DESIGN\.md", text)) != len(citations):
            unplaced.append(path.name)
        for citation in citations:
            anchor, title = citation["anchor"], citation["title"]
            if (anchor is not None and anchor not in slugs) or (
                title is not None and " ".join(title.split()) not in HEADINGS
            ):
                missing.append(f"{path.name}: {citation[0]}")

    assert [] == unplaced
    assert [] == missing


def test_links_within_the_document_land_on_its_headings() -> None:
    """Every ``(#anchor)`` link in the design document is one of its own headings."""
    slugs = {_slug(heading) for heading in HEADINGS}

    anchors = set(re.findall(r"\]\(#([\w-]+)\)", DESIGN))

    assert anchors
    assert set() == anchors - slugs
