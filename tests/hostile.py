"""Markdown and HTML that a hostile user types into a workbook or a form, and how to tell it stayed text.

`rendered_literally(markdown)` renders Markdown with markdown-it-py (CommonMark, an implementation independent
of the one under test) and says whether it shows the payload as plain text: no link, no image, no HTML tag.
"""

from __future__ import annotations

from html.parser import HTMLParser

from markdown_it import MarkdownIt

from kpi.common.safe_text import WORD_JOINER
from tests.builders import coop, group, info_rows, workbook

EVIL_HOST = "evil.example"
PAYLOADS = (
    f"![x](http://{EVIL_HOST}/t.png)",
    f"[click](http://{EVIL_HOST})",
    f"<img src=http://{EVIL_HOST}/x>",
    f'<a href="http://{EVIL_HOST}/a">a</a>',
    "**bold** _it_ `code` ~~gone~~",
    "[run](javascript:alert(1))",
    f"http://{EVIL_HOST}/bare www.{EVIL_HOST} me@{EVIL_HOST}",
    ":red[red] :smile: $x^2$ # not a heading",
)
# All payloads in one text, as one cell or name holds it.
ALL = " | ".join(PAYLOADS)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append(tag)

    def handle_data(self, data) -> None:
        self.text.append(data)


def render(markdown: str) -> tuple[list[str], str]:
    """Return the HTML tags and the text that CommonMark makes of `markdown` (word joiners removed)."""
    collector = _Collector()
    collector.feed(MarkdownIt("commonmark").enable("table").render(markdown))
    return collector.tags, "".join(collector.text).replace(WORD_JOINER, "").strip()


def rendered_literally(markdown: str, payload: str) -> bool:
    """Return True when `markdown` renders as `payload` in plain paragraphs: no tag but <p> and <br>, and
    no bare address left for an autolinker ("http://", "www.", "x@y" unbroken)."""
    tags, text = render(markdown)
    plain = set(tags) <= {"p", "br"}
    unbroken = any(s in markdown for s in ("http://", "https://", "www.", "javascript:", f"@{EVIL_HOST}"))
    return plain and text == payload and not unbroken


# --- a store full of payloads (page tests and browser tests) ------------------------------------------------

NAMES = [ALL, *PAYLOADS]  # the cooperatives' names
BY, NOTE = PAYLOADS[1], PAYLOADS[2]  # who imported, and the note
FILE_NAME = f"{PAYLOADS[0]}.xlsx"


def hostile_workbook(year: int, members: int) -> bytes:
    """Return a valid statistics workbook whose names, communes and reporting unit are payloads."""
    coops = [
        coop(f"X{i}", name=name, commune=PAYLOADS[i % len(PAYLOADS)], model="Có", members=members)
        for i, name in enumerate(NAMES)
    ]
    return workbook(info=info_rows(year, unit=PAYLOADS[3]), coops=coops, groups=[group()])


def fill_hostile_store(url: str) -> None:
    """Fill the store at `url` with two versions of 2024 and task reports, all imported with payloads."""
    from kpi.common.access import command_line
    from kpi.store.versions import TASKS, open_store
    from tests.store.test_task_versions import TODAY, progress_bytes, rows_2024

    operator = command_line("kiem-thu")  # the tests write as the command line does
    with open_store(url) as store:
        for members in (11, 12):
            outcome = store.import_workbook(
                hostile_workbook(2024, members), FILE_NAME, 2024, BY, note=NOTE, identity=operator
            )
            assert outcome.ok, outcome.message()
        rows = rows_2024()
        rows["result"] = [PAYLOADS[i] for i in range(len(rows))]
        rows["evidence"] = [PAYLOADS[-1 - i] for i in range(len(rows))]
        outcome = store.import_workbook(
            progress_bytes(rows), FILE_NAME, None, BY, NOTE, kind=TASKS, today=TODAY, identity=operator
        )
        assert outcome.ok, outcome.message()
