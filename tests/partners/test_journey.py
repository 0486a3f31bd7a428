"""The partner journey: apply, the state machine, ending, and who may do what."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tenants.utils import tenant_context
from pypdf import PdfReader

from programmes.configuration.models import AnswerType, AssessmentQuestion, SigningRound
from programmes.configuration.selectors import privacy_statement_in_force
from programmes.partners.journey import TRANSITIONS, IllegalTransition, partner_transition
from programmes.partners.models import Partner, Stage, StageChange
from programmes.people.models import User
from tests.configuration.test_presets import onboard
from tests.conftest import BUSINESS_IDS, World, client_for, sign_in

GOAL = {
    "theme": "energy",
    "description": "Cut electricity use",
    "indicator": "Electricity",
    "unit": "kWh",
    "baseline_value": "120000",
    "baseline_year": "2025",
    "target_value": "90000",
    "target_date": "2027-12-31",
    "horizon": "long_term",
}
# A word of the commitment document and of the follow-up e-mail, in each language.
COMMITMENT_WORD = {"da": "forpligtelse", "sv": "åtagande", "nb": "forpliktelse"}
FOLLOW_UP_WORD = {"da": "opfølgning", "sv": "uppföljning", "nb": "oppfølging"}
APPLICATION = {
    "name": "Grøn Bager ApS",
    "kind": "company",
    "sector": "retail",
    "employees": "12",
    "street": "Østergade 1",
    "postcode": "9800",
    "city": "Hjørring",
    "contact_name": "Mette Jensen",
    "phone": "+45 12 34 56 78",
    "password": "klima-partner-2030!",
}


def pdf_text(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    pdf = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    return " ".join(page.extract_text() for page in pdf.pages)


def assessment_answers(tenant) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """A valid answer to every self-assessment question of the tenant's programme."""
    by_type = {
        AnswerType.YES_NO: "no",
        AnswerType.SCALE: "2",
        AnswerType.NUMBER: "120",
        AnswerType.TEXT: "Vi er i gang",
    }
    with tenant_context(tenant):
        questions = list(AssessmentQuestion.objects.all())
    assert questions, "every preset has self-assessment questions"
    return {f"question_{q.pk}": by_type[q.answer_type] for q in questions}


def apply(world_host: str, business_id: str, language: str, email: str, **extra: str):  # type: ignore[no-untyped-def]
    from django.test import Client

    client = Client(HTTP_HOST=world_host)
    response = client.post(
        "/apply/",
        {**APPLICATION, "business_id": business_id, "language": language, "email": email, **extra},
    )
    return client, response


@pytest.mark.parametrize(
    ("preset", "country", "language"),
    [
        ("hjorring", "DK", "da"),
        ("porvoo", "FI", "sv"),
        ("ostfold", "NO", "nb"),
        ("klimatkommunerna", "SE", "sv"),
    ],
)
def test_a_partner_walks_the_whole_journey_in_the_tenants_language(
    alpha: World, preset: str, country: str, language: str, django_capture_on_commit_callbacks
) -> None:
    tenant = onboard(preset)
    host = f"{tenant.schema_name}.localhost"
    with tenant_context(tenant):
        staff = User.objects.create_user("staff@muni.example", "x", role="municipal_admin")
    with django_capture_on_commit_callbacks(execute=True):
        applicant, response = apply(host, BUSINESS_IDS[country][2], language, "new@org.example")
    assert response.status_code == 302, response.content.decode()[:3000]
    # Staff were told, in their language.
    assert any(
        m.to == ["staff@muni.example"] and "Grøn Bager ApS" in m.subject for m in mail.outbox
    )
    with tenant_context(tenant):
        partner = Partner.objects.get(name="Grøn Bager ApS")
        assert partner.stage == Stage.APPLIED
    staff_client = client_for(None)
    staff_client.defaults["HTTP_HOST"] = host
    with tenant_context(tenant):
        sign_in(staff_client, staff)  # as after password + MFA
    assert staff_client.get("/partners/").status_code == 200
    page = staff_client.get(f"/partners/{partner.pk}/")
    assert page["Content-Language"] == language
    # The partner answers the programme's self-assessment itself.
    response = applicant.post("/my-partnership/assessment/", assessment_answers(tenant))
    assert response.status_code == 302, response.content.decode()[:2000]
    with tenant_context(tenant):
        partner.refresh_from_db()
        assert partner.stage == Stage.ASSESSED
        signing_round = SigningRound.objects.create(
            title={language: "Underskrift"},
            starts_at=timezone.now() + dt.timedelta(days=30),
            place="Rådhuset",
            capacity=20,
            signatory_name="Borgmester Karin Holm",
            signatory_title={language: "Borgmester"},
        )
    for step, stage in [
        ("propose_goals", Stage.GOALS_PROPOSED),
        ("approve", Stage.APPROVED),
        ("book", Stage.BOOKED),
        ("sign", Stage.ACTIVE),
    ]:
        if step == "propose_goals":
            response = applicant.post("/my-partnership/goals/", GOAL)
            assert response.status_code == 302, response.content.decode()[:2000]
        if step == "book":
            # The partner books a place on the signing round itself.
            data = {"action": "book", "signing_round": signing_round.pk}
            response = applicant.post("/my-partnership/", data)
        else:
            response = staff_client.post(f"/partners/{partner.pk}/", {"action": step})
        assert response.status_code == 302, (step, response.content.decode()[:2000])
        with tenant_context(tenant):
            partner.refresh_from_db()
        assert partner.stage == stage
        if step == "book":
            # The commitment, in the partner's language, with its goal and the signatory.
            document = pdf_text(applicant.get("/my-partnership/commitment.pdf"))
            assert "Grøn Bager ApS" in document and GOAL["description"] in document
            assert "Borgmester Karin Holm" in document
            assert COMMITMENT_WORD[language] in document.lower()
    # The signed copy is what the partner downloads from now on.
    assert "Borgmester Karin Holm" in pdf_text(applicant.get("/my-partnership/commitment.pdf"))
    with tenant_context(tenant):
        assert partner.joined_on == timezone.localdate()
        assert partner.privacy_statement == privacy_statement_in_force()
        assert [c.to_stage for c in StageChange.objects.filter(partner=partner)][::-1] == [
            "applied",
            "assessed",
            "goals_proposed",
            "approved",
            "booked",
            "active",
        ]
        assert list(partner.goals.values_list("status", flat=True)) == ["approved"]
        # A year on, the annual follow-up: e-mailed in the partner's language, answered.
        Partner.objects.filter(pk=partner.pk).update(joined_on=dt.date(2025, 1, 15))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert staff_client.post("/partners/follow-ups/", {"year": 2026}).status_code == 302
    [invitation] = [m for m in mail.outbox if m.to == ["new@org.example"]]
    assert invitation.extra_headers["Content-Language"] == language
    assert FOLLOW_UP_WORD[language] in invitation.subject.lower()
    with tenant_context(tenant):
        [goal] = partner.goals.all()
    response = applicant.post(
        "/my-partnership/follow-up/",
        {f"goal_{goal.pk}": "on_track", f"goal_{goal.pk}_value": "100000", "support_needed": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    overview = staff_client.get("/partners/follow-ups/?year=2026&status=submitted")
    assert "Grøn Bager ApS" in overview.content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            f"/partners/{partner.pk}/",
            {
                "action": "terminate",
                "end_reason": "unresponsive",
                "reason": "No answer to three reminders.",
            },
        )
    assert response.status_code == 302
    with tenant_context(tenant):
        partner.refresh_from_db()
    assert (partner.stage, partner.end_reason) == (Stage.ENDED, "unresponsive")
    [notice] = mail.outbox
    assert notice.to == ["new@org.example"]
    assert notice.extra_headers["Content-Language"] == language
    assert "No answer to three reminders." in notice.body


def test_the_application_refuses_a_business_id_invalid_for_the_country(alpha: World) -> None:
    _client, response = apply("alpha.localhost", "12345678", "da", "x@org.example")
    assert response.status_code == 200
    assert "CVR" in response.content.decode()
    with tenant_context(alpha.tenant):
        assert not Partner.objects.filter(name="Grøn Bager ApS").exists()
        assert not User.objects.filter(email="x@org.example").exists()


def test_a_duplicate_organisation_is_caught(alpha: World) -> None:
    _client, response = apply("alpha.localhost", "30 00 00 05", "da", "dup@org.example")
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    with tenant_context(alpha.tenant):
        assert not User.objects.filter(email="dup@org.example").exists()


def test_the_applicant_gets_an_account_and_is_signed_in(alpha: World) -> None:
    client, response = apply("alpha.localhost", BUSINESS_IDS["DK"][2], "da", "me@org.example")
    assert response.status_code == 302
    me = client.get("/api/v1/people/me/").json()
    assert (me["email"], me["role"]) == ("me@org.example", "partner_admin")
    mine = client.get("/api/v1/partners/").json()["results"]
    assert [p["name"] for p in mine] == ["Grøn Bager ApS"]
    assert mine[0]["next_steps"] == ["assess", "leave"]


ALL_STAGES = list(Stage.values)


@pytest.mark.parametrize("action", list(TRANSITIONS))
@pytest.mark.parametrize("stage", ALL_STAGES)
def test_every_illegal_transition_is_refused(alpha: World, action: str, stage: str) -> None:
    with tenant_context(alpha.tenant):
        partner = Partner.objects.get(name="ALPHA-MARKER partner")
        Partner.objects.filter(pk=partner.pk).update(stage=stage)
        partner.refresh_from_db()
        changes = StageChange.objects.count()
        rule = TRANSITIONS[action]
        actor = (
            alpha.users["partner_admin"] if action == "leave" else alpha.users["municipal_admin"]
        )
        if stage in rule.sources:
            partner_transition(actor=actor, partner=partner, action=action, reason="why")
            partner.refresh_from_db()
            assert partner.stage == rule.target
        else:
            with pytest.raises(IllegalTransition):
                partner_transition(actor=actor, partner=partner, action=action, reason="why")
            partner.refresh_from_db()
            assert partner.stage == stage
            assert StageChange.objects.count() == changes


@pytest.mark.parametrize(
    ("persona", "action"),
    [
        ("partner_admin", "approve"),
        ("partner_admin", "sign"),
        ("partner_admin", "terminate"),
        ("other_partner_member", "leave"),
        ("municipal_staff", "leave"),
    ],
)
def test_a_step_by_the_wrong_role_is_refused(alpha: World, persona: str, action: str) -> None:
    with tenant_context(alpha.tenant):
        partner = Partner.objects.get(name="ALPHA-MARKER partner")
        Partner.objects.filter(pk=partner.pk).update(stage=Stage.GOALS_PROPOSED)
        with pytest.raises(IllegalTransition):
            partner_transition(
                actor=alpha.users[persona], partner=partner, action=action, reason="why"
            )


def test_terminating_needs_a_reason(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        partner = Partner.objects.get(name="ALPHA-MARKER partner")
        with pytest.raises(ValidationError):
            partner_transition(
                actor=alpha.users["municipal_admin"],
                partner=partner,
                action="terminate",
                reason=" ",
            )


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("municipal_admin", 200),
        ("municipal_staff", 200),
        ("partner_admin", 403),
        ("partner_member", 403),
        (None, 302),
    ],
)
def test_only_staff_use_the_workspace(
    alpha: World, persona: str | None, expected: int, django_assert_max_num_queries
) -> None:
    client = client_for(alpha, persona)
    # The first visit makes the lists (12 queries), the next reads them from the cache.
    with django_assert_max_num_queries(12):
        assert client.get("/partners/").status_code == expected
    with django_assert_max_num_queries(8):
        assert client.get("/partners/").status_code == expected
    with django_assert_max_num_queries(14):
        assert client.get("/partners/1/").status_code == expected


def test_the_workspace_searches_and_filters(alpha: World) -> None:
    client = client_for(alpha, "municipal_staff")
    body = client.get("/partners/", {"q": "other"}).content.decode()
    assert "ALPHA-MARKER other partner" in body
    assert ">ALPHA-MARKER partner<" not in body
    body = client.get("/partners/", {"stage": "applied"}).content.decode()
    assert "ALPHA-MARKER other partner" not in body.split("<table")[1]


@pytest.mark.parametrize(
    ("persona", "visible"),
    [("municipal_admin", 2), ("partner_admin", 1), ("other_partner_member", 1), (None, 0)],
)
def test_the_partner_api_shows_each_viewer_only_their_partners(
    alpha: World, persona: str | None, visible: int
) -> None:
    response = client_for(alpha, persona).get("/api/v1/partners/")
    if persona is None:
        assert response.status_code == 401
        return
    assert response.json()["count"] == visible


def test_a_partner_cannot_read_another_partner_by_id(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        other = Partner.objects.get(name="ALPHA-MARKER other partner")
    assert (
        client_for(alpha, "partner_admin").get(f"/api/v1/partners/{other.pk}/").status_code == 404
    )


def test_steps_through_the_api(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        partner = Partner.objects.get(name="ALPHA-MARKER partner")
    refused = client_for(alpha, "municipal_admin").post(
        f"/api/v1/partners/{partner.pk}/transition/",
        {"action": "approve"},
        content_type="application/json",
    )
    assert refused.status_code == 400  # an active partner has no goals to approve
    ended = client_for(alpha, "partner_admin").post(
        f"/api/v1/partners/{partner.pk}/transition/",
        {"action": "leave", "reason": "Moving"},
        content_type="application/json",
    )
    assert ended.status_code == 200
    assert (ended.json()["stage"], ended.json()["end_reason"]) == ("ended", "left")
    timeline = (
        client_for(alpha, "municipal_staff").get(f"/api/v1/partners/{partner.pk}/timeline/").json()
    )
    assert timeline[0]["to_stage"] == "ended"


def test_the_staff_e_mail_links_to_the_workspace_page(alpha: World) -> None:
    from programmes.partners.notifications import application_received

    with tenant_context(alpha.tenant):
        partner = Partner.objects.get(name="ALPHA-MARKER partner")
        application_received(partner_id=partner.pk)
    assert f"http://alpha.localhost/partners/{partner.pk}/" in mail.outbox[0].body
