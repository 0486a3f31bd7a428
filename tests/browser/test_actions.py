"""Climate actions in the browser, found by roles, accessible names and labels: Porvoo's
staff browse the shared library, filter it, copy an action Hjørring contributed into their
programme and adapt it; a newly applied organisation then sets a goal from that action.

The demo's actions are seeded here (``demo_actions_create`` is idempotent, so it does not
matter whether ``load_demo`` seeded them already). Messages are looked up in the catalogue
the server renders from, in the page's language (``tr``)."""

import random
import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.test_invoicing import sign_in, tr
from tests.integration.stack import Stack

pytestmark = pytest.mark.browser

SLUG = "porvoo"
CONTRIBUTOR = "Hjørring Kommune"
ADAPTED = "Vår version (webbläsartest)"
SEED = """
from django_tenants.utils import tenant_context
from programmes.actions.demo import demo_actions_create
from tenants.selectors import tenant_by_slug
for slug, language in (("hjorring", "da"), ("porvoo", "sv")):
    tenant = tenant_by_slug(slug)
    with tenant_context(tenant):
        demo_actions_create(slug=slug, country=tenant.country, language=language)
"""


def finnish_business_id() -> str:
    """A valid Finnish business id (Y-tunnus) no demo partner has (random digits)."""
    while True:
        digits = [random.randint(0, 9) for _ in range(7)]
        remainder = sum(d * w for d, w in zip(digits, (7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
        if remainder != 1:
            check = 0 if remainder == 0 else 11 - remainder
            return "".join(map(str, digits)) + f"-{check}"


def named(label: str, title: str) -> re.Pattern[str]:
    """``label: title`` as an accessible name (the title is in a visually hidden span, which
    the browser may set off with a space)."""
    return re.compile(rf"^{re.escape(label)}\s*:\s*{re.escape(title)}$")


def test_staff_copy_an_action_from_the_library_and_a_partner_sets_a_goal_from_it(
    page: Page, browser: Browser, stack: Stack
) -> None:
    stack.manage("shell", "-c", SEED)
    sign_in(page, stack, SLUG, f"admin@{SLUG}.example")
    page.goto(stack.url(SLUG, "/actions/manage/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(tr(page, "Climate actions"))
    page.get_by_role("link", name=tr(page, "Browse the shared library")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(tr(page, "Shared action library"))

    # Filter by theme: every action shown is about transport, each names its contributor.
    search = page.get_by_role("search", name=tr(page, "Search the library"))
    search.get_by_label(tr(page, "Theme")).select_option("transport")
    search.get_by_role("button", name=tr(page, "Search")).click()
    expect(page).to_have_url(re.compile(r"[?&]theme=transport"))
    articles = page.get_by_role("article")
    expect(articles.first).to_be_visible()
    for article in articles.all():
        expect(article).to_contain_text(tr(page, "Transport"))

    # An action of Hjørring's this programme has not copied yet (it has the copy button).
    # The library is paginated, newest first: Hjørring's actions may be on a later page.
    copy_label = tr(page, "Copy to our programme")
    search.get_by_label(tr(page, "Theme")).select_option("")
    search.get_by_role("button", name=tr(page, "Search")).click()
    for number in range(2, 6):
        candidate = (
            page.get_by_role("article")
            .filter(has_text=CONTRIBUTOR)
            .filter(has=page.get_by_role("button", name=re.compile(re.escape(copy_label))))
            .first
        )
        if candidate.count():
            library_page = page.url
            break
        page.goto(stack.url(SLUG, f"/actions/manage/library/?page={number}"))
    title = candidate.get_by_role("heading", level=3).inner_text().strip()
    candidate.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_role("main")).to_contain_text(CONTRIBUTOR)
    page.get_by_role("button", name=named(copy_label, title)).click()

    # The copy: its provenance, then adapted locally.
    expect(page.get_by_role("status")).to_contain_text(
        tr(page, "“%(title)s” is copied into your programme. You can adapt it here.", title=title)
    )
    expect(page.get_by_role("main")).to_contain_text(
        tr(page, "Copied from %(name)s (version %(version)s)", name=CONTRIBUTOR, version=1)
    )
    page.get_by_role("link", name=tr(page, "Edit"), exact=True).click()
    title_field = page.get_by_label(re.compile(r"\(svenska\)")).first
    expect(title_field).to_have_value(title)
    title_field.fill("")
    page.get_by_role("button", name=tr(page, "Save")).click()
    # Without the title in the primary language: refused, the error tied to the field.
    expect(page.get_by_role("alert")).to_contain_text(tr(page, "Please correct the following"))
    expect(title_field).to_have_attribute("aria-invalid", "true")
    title_field.fill(ADAPTED)
    page.get_by_role("button", name=tr(page, "Save")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ADAPTED)
    expect(page.get_by_role("main")).to_contain_text(
        tr(page, "Copied from %(name)s (version %(version)s)", name=CONTRIBUTOR, version=1)
    )
    page.goto(library_page)  # the page the action was found on (copies keep the order)
    expect(
        page.get_by_role("link", name=named(tr(page, "In your programme"), title))
    ).to_be_visible()

    # A new organisation applies and bases its first goal on the adapted action.
    context = browser.new_context()
    try:
        partner = context.new_page()
        partner.goto(stack.url(SLUG, "/apply/"))
        partner.locator("#id_name").fill("Borgå Cykel Ab (webbläsartest)")
        partner.locator("#id_business_id").fill(finnish_business_id())
        partner.locator("#id_kind").select_option("company")
        partner.locator("#id_sector").select_option("retail")
        partner.locator("#id_employees").fill("6")
        partner.locator("#id_contact_name").fill("Linnea Berg")
        partner.locator("#id_email").fill(f"linnea{random.randint(1, 10**6)}@cykel.example")
        partner.locator("#id_password").fill("cykel-klima-2030!")
        partner.locator("main button.primary").click()
        expect(partner.get_by_role("status")).to_be_visible()

        partner.goto(stack.url(SLUG, "/my-partnership/goals/"))
        partner.get_by_role("link", name=tr(partner, "The programme's climate actions")).click()
        expect(partner.get_by_role("heading", level=1)).to_have_text(tr(partner, "Climate actions"))
        action = partner.get_by_role("article", name=ADAPTED)
        action.get_by_role(
            "link", name=named(tr(partner, "Set a goal from this action"), ADAPTED)
        ).click()
        expect(partner.get_by_role("heading", level=1)).to_have_text(
            tr(partner, "Set a goal from this action")
        )
        based_on = partner.get_by_label(tr(partner, "Based on the action"))
        expect(based_on.locator("option:checked")).to_have_text(ADAPTED)
        expect(partner.locator("#id_description")).to_have_value(ADAPTED)
        partner.locator("#id_indicator").fill("Leveranser med bil")
        partner.locator("#id_unit").fill("st.")
        partner.locator("#id_baseline_value").fill("400")
        partner.locator("#id_baseline_year").fill("2025")
        partner.locator("#id_target_value").fill("0")
        partner.locator("#id_target_date").fill("2028-12-31")
        partner.locator("#id_horizon").select_option("long_term")
        partner.get_by_role("button", name=tr(partner, "Save")).click()
        expect(partner.get_by_role("status")).to_be_visible()
        expect(partner.get_by_role("heading", level=1)).to_have_text(tr(partner, "Goals"))
        expect(partner.get_by_role("main")).to_contain_text(
            tr(partner, "Based on the action: %(title)s", title=ADAPTED)
        )
    finally:
        context.close()

    # Staff see the goal on the action.
    page.goto(stack.url(SLUG, "/actions/manage/"))
    page.get_by_role("link", name=ADAPTED).click()
    expect(page.get_by_role("main")).to_contain_text("Borgå Cykel Ab (webbläsartest)")
