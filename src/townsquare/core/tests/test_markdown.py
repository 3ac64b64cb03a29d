from __future__ import annotations

from html.parser import HTMLParser

import pytest

from townsquare.core.markdown import plain_text, render


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "![x](javascript:alert(1))",
        '<img src=x onerror="alert(1)">',
        "<a href='javascript:alert(1)'>x</a>",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "<iframe src='https://evil.example'></iframe>",
        "<style>body{display:none}</style>",
    ],
)
def test_hostile_markdown_renders_inert(hostile: str) -> None:
    elements = Elements()
    elements.feed(render(hostile))
    for tag, attributes in elements.found:
        assert tag in {"p", "a", "strong", "em"}, tag
        for name, value in attributes:
            assert not name.startswith("on"), name
            assert (
                not (value or "").strip().lower().startswith(("javascript:", "data:", "vbscript:"))
            )


class Elements(HTMLParser):
    """Every element of an HTML text with its attributes (entities are decoded, so escaped
    text never looks like markup here)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


def test_markdown_features_survive() -> None:
    html = render(
        "# Title\n\n**bold** and [a link](https://town.example)\n\n| a | b |\n|---|---|\n| 1 | 2 |"
    )
    assert "<h2>Title</h2>" in html and "<strong>bold</strong>" in html
    assert '<a href="https://town.example" rel="nofollow noopener noreferrer">a link</a>' in html
    assert "<table>" in html


def test_plain_text() -> None:
    assert plain_text("# Title\n\nSome **bold** text & more.") == "Title Some bold text & more."
