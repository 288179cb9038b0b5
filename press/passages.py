"""Finding a cited passage in a piece's stored text.

Editors paste passages from a browser, where quotes are curly or straight and spaces may be
non-breaking, so the match ignores those differences and runs of white space; it ignores nothing
else. Positions are reported in the stored text, so the page can highlight the words as published.
"""

PLAIN_EQUIVALENTS = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2013": "-",
    "\u2014": "-",
}


def _plain(text):
    """The text made plain, and for each of its characters the index it came from in the original."""
    characters, origins = [], []
    for index, character in enumerate(text):
        character = PLAIN_EQUIVALENTS.get(character, character)
        if character.isspace():
            if not characters or characters[-1] == " ":
                continue
            character = " "
        characters.append(character)
        origins.append(index)
    if characters and characters[-1] == " ":
        characters.pop()
        origins.pop()
    return "".join(characters), origins


def locate(passage, text):
    """Returns (start, end) of the passage in the text, or None when it does not occur."""
    return locate_all([passage], text)[0]


def locate_all(passages, text):
    """(start, end) or None for each passage, making the text plain once for all of them."""
    haystack, origins = _plain(text)
    spans = []
    for passage in passages:
        needle, _ = _plain(passage)
        at = haystack.find(needle) if needle else -1
        spans.append((origins[at], origins[at + len(needle) - 1] + 1) if at >= 0 else None)
    return spans


def words_not_found(passage, text):
    """The passage from the first word at which it stops matching the text, for error messages."""
    haystack, _ = _plain(text)
    words = passage.split()
    matched = 0
    while matched < len(words) and _plain(" ".join(words[: matched + 1]))[0] in haystack:
        matched += 1
    return " ".join(words[matched:])


def excerpt(words, limit=160):
    """words (str) cut to at most limit characters, ending with "…" when cut."""
    return words if len(words) <= limit else words[: limit - 1].rstrip() + "…"


def not_found_message(words, text, where):
    """None when the words stand in the text (or there are none); else an error quoting those that do not."""
    if not words or locate(words, text) is not None:
        return None
    return f"Not found in {where}: “{excerpt(words_not_found(words, text))}”"
