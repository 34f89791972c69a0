"""The front pages stay short, and every page they lead to is there."""

import re
from pathlib import Path

import pytest

from conftest import REPO

# Characters at most: a front page a beginner reads to the end.
FRONT_PAGES = {"README.zh-CN.md": 10000, "README.md": 12000}
PAGES = [REPO / name for name in FRONT_PAGES] + sorted((REPO / "docs").glob("*.md"))
# [text](target) and ![alt](target); targets with a scheme are not ours.
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


@pytest.mark.parametrize("name", FRONT_PAGES)
def test_front_page_is_short(name):
    text = (REPO / name).read_text(encoding="utf-8")
    assert len(text) <= FRONT_PAGES[name]


def local_links(page):
    text = page.read_text(encoding="utf-8")
    for target in LINK.findall(text):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue
        yield target.split("#", 1)[0]


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_link_and_picture_of_a_page_is_in_the_repository(page):
    missing = [
        target
        for target in local_links(page)
        if not (page.parent / target).resolve().exists()
    ]
    assert missing == []


@pytest.mark.parametrize(
    "page", [page for page in PAGES if page.name.endswith(".zh-CN.md")], ids=str
)
def test_chinese_pages_lead_to_chinese_pages(page):
    english = [
        target
        for target in local_links(page)
        if target.endswith(".md") and not target.endswith(".zh-CN.md")
    ]
    # The one way out: the language switch at the top, to the same page in English.
    assert english in ([], [page.name.replace(".zh-CN.md", ".md")])


def test_every_docs_page_has_both_languages_and_a_way_in():
    docs = REPO / "docs"
    english = {page.name for page in docs.glob("*.md") if ".zh-CN" not in page.name}
    chinese = {page.name.replace(".zh-CN", "") for page in docs.glob("*.zh-CN.md")}
    assert english == chinese and english
    reached = {
        Path(target).name
        for page in PAGES
        for target in local_links(page)
        if target.endswith(".md")
    }
    assert {page.name for page in docs.glob("*.md")} <= reached
