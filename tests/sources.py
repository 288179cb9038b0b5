"""The two source documents the story was drawn from, as a reader would see their paragraphs."""

import re

from tests.project import ROOT

SOURCES = ROOT / "fixtures" / "sources"
# Page furniture in the source documents: captions, headlines kept as headlines, links to other stories.
FURNITURE = {
    "Melissa Coker'First Kiss' Is The Work of Melissa Coker's Wren Label",
    "'First Kiss' Director Opens Up About 'Most Insane Moment,' Favorite L.A. Spots (Q&A)",
    '"First Kiss"; Tatia Pilieva (inset)',
    "PHOTOS:\xa014 Ways to Say I Love You",
    "VIDEO:\xa0'Hateship Loveship' Trailer: Hailee Steinfeld Tricks Kristen Wiig Into Falling in Love",
}


def source_paragraphs():
    """Every paragraph of the sources that is about the film, exactly as written."""
    for path in sorted(SOURCES.glob("*.txt")):
        for paragraph in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
            if paragraph.strip() and paragraph.rstrip() not in FURNITURE:
                yield paragraph.rstrip()
