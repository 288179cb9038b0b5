"""Renders a piece's stored text as paragraphs with every cited passage highlighted and anchored."""

from django.utils.html import escape
from django.utils.safestring import mark_safe

from press.passages import locate_all

PARAGRAPH_BREAK = "\n\n"


def highlighted_text(text, passages):
    """The stored text (str) as safe HTML: a <p> per paragraph (split where two newlines meet), the words
    of each passage found in it (Passage rows, matched as press.passages does) in <mark>, with an empty
    anchor <span id="passage-<slug>"> where each begins. Passages not found are left out; the text is
    escaped."""
    passages = list(passages)
    found = locate_all([passage.text for passage in passages], text)
    spans = [(*span, passage) for span, passage in zip(found, passages, strict=True) if span]
    paragraphs = []
    offset = 0
    for paragraph in text.split(PARAGRAPH_BREAK):
        start, end = offset, offset + len(paragraph)
        offset = end + len(PARAGRAPH_BREAK)
        paragraphs.append(f"<p>{_paragraph(text, start, end, spans)}</p>")
    return mark_safe("\n".join(paragraphs))


def _paragraph(text, start, end, spans):
    """Cuts the paragraph wherever a passage starts or ends, and marks each piece some passage covers."""
    cuts = {start, end}
    for span_start, span_end, _ in spans:
        if span_start < end and span_end > start:
            cuts.update({max(span_start, start), min(span_end, end)})
    cuts = sorted(cuts)
    html = []
    for piece_start, piece_end in zip(cuts, cuts[1:], strict=False):
        for span_start, _, passage in spans:
            if span_start == piece_start:
                html.append(f'<span class="passage-anchor" id="{passage.anchor}"></span>')
        piece = escape(text[piece_start:piece_end])
        if any(s <= piece_start and piece_end <= e for s, e, _ in spans):
            piece = f"<mark>{piece}</mark>"
        html.append(piece)
    return "".join(html)
