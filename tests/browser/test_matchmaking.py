"""Matchmaking in the browser, found by roles, accessible names and labels: a partner admin
of Hjørring's demo ticks an offer and a need in its matchmaking profile and reads (and
downloads) its personal schedule for the partnership day; staff open the session from the
partners workspace and compute its schedule again.

Names are looked up in the catalogue the server renders from, in the page's language
(``tr``); only the demo's own content (the session's title) is written out."""

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.test_invoicing import sign_in, tr
from tests.integration.stack import Stack

pytestmark = pytest.mark.browser

SLUG = "hjorring"
SESSION = "Partnerskabsdag"  # the demo session's Danish title (programmes/matchmaking/demo.py)
ROUNDS = 5  # the demo session's rounds


def tag_list(page: Page, name: str) -> Locator:
    """The boxes of the profile's tag list called ``name``: a group named by its legend."""
    return page.get_by_role("main").get_by_role("group", name=name, exact=True)


def first_unticked(boxes: Locator, *, besides: str = "") -> str:
    """The label of the first box in ``boxes`` that is not ticked (and is not ``besides``)."""
    expect(boxes.get_by_role("checkbox").first).to_be_visible()
    for label in boxes.locator("label").all():
        name = label.inner_text().strip()
        if name != besides and not label.get_by_role("checkbox").is_checked():
            return name
    raise AssertionError("every box is ticked already")


def test_a_partner_admin_keeps_its_profile_and_reads_its_schedule(page: Page, stack: Stack) -> None:
    sign_in(page, stack, SLUG, f"partner@{SLUG}.example")
    page.goto(stack.url(SLUG, "/my-partnership/"))
    page.get_by_role("main").get_by_role("link", name=tr(page, "Matchmaking"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(tr(page, "Matchmaking"))

    # Offers and needs are picked from the same tag list, each box found by its label.
    offers = tag_list(page, tr(page, "We offer"))
    seeks = tag_list(page, tr(page, "We seek"))
    offer = first_unticked(offers)
    need = first_unticked(seeks, besides=offer)
    offers.get_by_label(offer, exact=True).check()
    seeks.get_by_label(need, exact=True).check()
    page.get_by_role("main").get_by_role("button", name=tr(page, "Save")).click()

    expect(page.get_by_role("status")).to_contain_text(
        tr(page, "Your matchmaking profile is saved.")
    )
    expect(offers.get_by_label(offer, exact=True)).to_be_checked()
    expect(seeks.get_by_label(need, exact=True)).to_be_checked()

    # Its schedule for the partnership day: one row per round, some of them with a meeting.
    page.get_by_role("link", name=re.compile(rf"^{SESSION}, ")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SESSION)
    schedule = page.get_by_role("table", name=tr(page, "Your meetings, round by round"))
    for column in ("Round", "Time", "Table", "You meet"):
        expect(schedule.get_by_role("columnheader", name=tr(page, column))).to_be_visible()
    expect(schedule.locator("tbody").get_by_role("rowheader")).to_have_text(
        [str(number) for number in range(1, ROUNDS + 1)]
    )
    meetings = (
        schedule.locator("tbody")
        .get_by_role("row")
        .filter(has_not_text=tr(page, "No meeting in this round"))
    )
    expect(meetings.first).to_be_visible()
    expect(meetings.first.locator("strong")).not_to_be_empty()  # whom it meets

    with page.expect_download() as pdf:
        page.get_by_role("link", name=tr(page, "Download the schedule (PDF)")).click()
    assert pdf.value.suggested_filename.endswith(".pdf")
    assert pdf.value.path().read_bytes().startswith(b"%PDF")


def test_staff_open_the_session_and_compute_its_schedule_again(page: Page, stack: Stack) -> None:
    sign_in(page, stack, SLUG, f"admin@{SLUG}.example")
    page.goto(stack.url(SLUG, "/partners/"))
    page.get_by_role("navigation", name=tr(page, "Network life")).get_by_role(
        "link", name=tr(page, "Matchmaking"), exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(tr(page, "Matchmaking"))
    sessions = page.get_by_role("table", name=tr(page, "Matchmaking sessions"))
    sessions.get_by_role("link", name=SESSION, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SESSION)

    # The schedule: one table per round, named by its caption, tables as row headers.
    for number in range(1, ROUNDS + 1):
        table = page.get_by_role(
            "table", name=tr(page, "Meetings in round %(number)s", number=number), exact=True
        )
        expect(
            table.get_by_role("columnheader", name=tr(page, "Meets"), exact=True)
        ).to_be_visible()
    booked = page.get_by_role("main").locator("table tbody").get_by_role("rowheader")
    expect(booked.first).to_be_visible()

    page.get_by_role(
        "button", name=tr(page, "Compute the schedule again (replaces every meeting)")
    ).click()
    status = page.get_by_role("status")
    expect(status).to_be_visible()
    page.wait_for_load_state()
    # The message counts the meetings the page now lists.
    expect(status).to_contain_text(
        tr(page, "The schedule is computed: %(count)s meetings.", count=booked.count())
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(SESSION)
