"""Awards in the browser, found by roles, accessible names and labels: in Klimatkommunerna's
demo a partner admin nominates another member for this month's prize from the public awards
page (a nomination without a justification is refused, the error tied to the field); a jury
member scores every nomination of the round being scored, submits, and only then sees the
other jury member's submitted scores and the weighted totals; anyone reads Porvoo's past
winners by year.

Names are looked up in the catalogue the server renders from, in the page's language
(``tr``); only the demo's own content (the first juror's name) is written out."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from babel.dates import format_date
from playwright.sync_api import Browser, Locator, Page, expect

from programmes.awards.demo import JURORS
from tests.browser.test_invoicing import sign_in, tr
from tests.integration.stack import Stack

pytestmark = pytest.mark.browser

SLUG = "klimatkommunerna"
JUSTIFICATION = "Har byggt om hela sin fordonsflotta till el på ett år (webbläsartest)."


def number(text: str) -> Decimal:
    """A number as Babel writes it in Swedish (``1 000``, ``652,50``), read back."""
    return Decimal(re.sub(r"[^\d,]", "", text).replace(",", "."))


def numbers_pattern(page: Page, message: str) -> re.Pattern[str]:
    """``message`` in the page's language as a pattern, each placeholder a group of digits."""
    return re.compile(
        re.sub(
            r"%\\\((\w+)\\\)s",
            r"(?P<\1>\\d(?:[\\d.,\\s]*\\d)?)",
            re.escape(tr(page, message)),
        )
    )


def nominated_so_far(browser: Browser, stack: Stack, round_name: str) -> set[str]:
    """The organisations already nominated in a round, as staff see them (one nomination
    per organisation and round, and partners do not see others' nominations)."""
    context = browser.new_context()
    try:
        staff = context.new_page()
        sign_in(staff, stack, SLUG, f"admin@{SLUG}.example")
        staff.goto(stack.url(SLUG, "/awards/manage/"))
        staff.get_by_role(
            "table", name=tr(staff, "Rounds of every award, newest first")
        ).get_by_role("link", name=round_name, exact=True).click()
        nominations = staff.get_by_role(
            "table", name=tr(staff, "Nominations and their eligibility")
        )
        expect(nominations).to_be_visible()
        return {
            name.strip()
            for name in nominations.locator("tbody").get_by_role("rowheader").all_inner_texts()
        }
    finally:
        context.close()


def test_a_partner_admin_nominates_another_member_for_the_monthly_prize(
    page: Page, browser: Browser, stack: Stack
) -> None:
    sign_in(page, stack, SLUG, f"partner@{SLUG}.example")
    page.goto(stack.url(SLUG, "/my-partnership/"))
    own = page.get_by_role("heading", level=1).inner_text().strip()

    # This month's round of the monthly prize: a region named by its heading, "<award> <month>".
    page.goto(stack.url(SLUG, "/awards/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(tr(page, "Awards"))
    month = format_date(
        dt.date.today(), "LLLL y", locale=page.locator("html").get_attribute("lang")
    )
    heading = page.get_by_role("heading", level=3, name=re.compile(rf" {re.escape(month)}$"))
    round_name = heading.inner_text().strip()
    award = round_name.removesuffix(month).strip()
    this_month = page.get_by_role("region", name=round_name, exact=True)
    link = this_month.get_by_role("link", name=tr(page, "Nominate for %(name)s", name=award))

    nominated = nominated_so_far(browser, stack, round_name)
    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        tr(page, "Nominate for %(name)s %(period)s", name=award, period=month)
    )
    nominee_field = page.get_by_label(tr(page, "Organisation you nominate"))
    options = [text.strip() for text in nominee_field.locator("option").all_inner_texts()]
    nominee = next(name for name in options[1:] if name not in nominated | {own})
    nominee_field.select_option(label=nominee)

    # Without a justification: the summary links to the field, which says what is wrong.
    send = page.get_by_role("button", name=tr(page, "Send the nomination"))
    send.click()
    question = tr(page, "Why does this organisation deserve the award?")
    required = tr(page, "This field is required.")
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text(tr(page, "Please correct the following"))
    justification = page.get_by_label(question)
    error_link = summary.get_by_role("link", name=f"{question}: {required}")
    expect(error_link).to_have_attribute(
        "href", "#" + (justification.get_attribute("id") or "missing id")
    )
    expect(justification).to_have_attribute("aria-invalid", "true")
    expect(justification).to_have_accessible_description(re.compile(re.escape(required)))
    expect(nominee_field.locator("option:checked")).to_have_text(nominee)
    error_link.click()
    expect(justification).to_be_focused()

    justification.fill(JUSTIFICATION)
    send.click()
    expect(page.get_by_role("status")).to_contain_text(
        tr(page, "Thank you: %(name)s is nominated.", name=nominee)
    )
    made = page.get_by_role("table", name=tr(page, "Nominations your organisation made"))
    row = made.get_by_role("row").filter(has=page.get_by_role("rowheader", name=round_name))
    expect(row.filter(has_text=nominee)).to_contain_text(JUSTIFICATION)


def score_all(sheet: Locator, first: int) -> int:
    """Give every criterion of a nomination a score (``first``, ``first + 1``…, at most 10),
    by the criterion's label; returns how many criteria there are."""
    criteria = sheet.get_by_role("table").locator("tbody").get_by_role("rowheader")
    names = [name.strip() for name in criteria.all_inner_texts()]
    for offset, name in enumerate(names):
        sheet.get_by_label(name, exact=True).fill(str(min(10, first + offset)))
    return len(names)


def test_a_juror_scores_the_round_submits_and_then_sees_the_jury(page: Page, stack: Stack) -> None:
    # The demo's first juror has submitted already; the second (staff) has not.
    first_juror = JURORS[SLUG][0][0]
    sign_in(page, stack, SLUG, f"jury-2@{SLUG}.example")
    page.goto(stack.url(SLUG, "/partners/"))
    page.get_by_role("navigation", name=tr(page, "Network life")).get_by_role(
        "link", name=tr(page, "Jury scoring")
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(tr(page, "Jury"))
    rounds = page.get_by_role("table", name=tr(page, "Rounds you judge"))
    being_scored = rounds.get_by_role("row").filter(
        has=page.get_by_role("cell", name=tr(page, "The jury is scoring"), exact=True)
    )
    expect(being_scored).not_to_have_count(0)  # the demo always has one: last month's prize
    being_scored.first.get_by_role("link").click()

    # One region per nomination, named by the nominee; the jury's scores are secret so far.
    sheets = page.get_by_role("main").get_by_role("region")
    expect(sheets.first).to_be_visible()
    count = sheets.count()
    assert count >= 2, "the demo round has three to five nominations"
    for sheet in sheets.all():
        expect(sheet.get_by_role("columnheader", name=first_juror)).to_have_count(0)

    criteria = score_all(sheets.first, first=6)
    page.get_by_role("button", name=tr(page, "Save my scores")).click()
    expect(page.get_by_role("status")).to_contain_text(tr(page, "Your scores are saved."))
    expect(sheets.first.get_by_role("spinbutton").first).to_have_value("6")

    # Submitting is refused while a nomination lacks scores, and says how many.
    submit = page.get_by_role("button", name=tr(page, "Submit my scores (final)"))
    submit.click()
    expect(page.get_by_role("alert")).to_contain_text(
        tr(
            page,
            "Score every criterion of every nomination first (%(count)s missing).",
            count=(count - 1) * criteria,
        )
    )
    for index, sheet in enumerate(sheets.all()[1:], start=1):
        score_all(sheet, first=3 + index)
    submit.click()
    expect(page.get_by_role("status")).to_contain_text(
        tr(page, "Your scores are submitted. Thank you.")
    )
    expect(page.get_by_role("main")).to_contain_text(
        tr(
            page,
            "You have submitted your scores. You now see the scores of the jury members who "
            "have submitted theirs, and the weighted totals.",
        )
    )
    expect(page.get_by_role("spinbutton")).to_have_count(0)  # final
    expect(submit).to_have_count(0)

    # Now the first juror's submitted scores are shown beside one's own, and each total is
    # the sum over the criteria of weight times the mean of the two.
    weighted_total = tr(page, "Weighted total: %(total)s of %(max)s")
    total_pattern = numbers_pattern(page, "Weighted total: %(total)s of %(max)s")
    weighted_total = weighted_total.split("%(")[0]  # the words before the numbers
    for sheet in sheets.all():
        table = sheet.get_by_role("table")
        expect(table.get_by_role("columnheader", name=first_juror)).to_be_visible()
        expected, best = Decimal(0), Decimal(0)
        for row in table.locator("tbody").get_by_role("row").all():
            weight, *scores = (number(cell) for cell in row.get_by_role("cell").all_inner_texts())
            assert len(scores) == 2, scores  # one's own and the first juror's
            expected += weight * sum(scores) / len(scores)
            best += weight * 10
        total = sheet.locator("p").filter(has_text=weighted_total)
        expect(total).to_be_visible()
        found = total_pattern.search(total.inner_text())
        assert found is not None
        assert number(found["total"]) == expected.quantize(Decimal("0.01"))
        assert number(found["max"]) == best


def test_anyone_reads_porvoos_past_winners_by_year(page: Page, stack: Stack) -> None:
    page.goto(stack.url("porvoo", "/awards/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(tr(page, "Awards"))
    expect(page.get_by_role("button", name=tr(page, "Sign out"))).to_have_count(0)
    expect(
        page.get_by_role("heading", level=2, name=tr(page, "Winners"), exact=True)
    ).to_be_visible()

    # The demo's last three years, newest first, each a table named by its caption.
    years = [dt.date.today().year - back for back in (1, 2, 3)]
    captions = [tr(page, "Winners %(year)s", year=year) for year in years]
    expect(page.get_by_role("main").locator("table caption")).to_have_text(captions)
    for caption in captions:
        table = page.get_by_role("table", name=caption, exact=True)
        expect(
            table.get_by_role("columnheader", name=tr(page, "Winner"), exact=True)
        ).to_be_visible()
        winners = table.locator("tbody").get_by_role("rowheader")  # the winner heads its row
        expect(winners).not_to_have_count(0)
        for winner in winners.all():
            expect(winner).not_to_be_empty()
