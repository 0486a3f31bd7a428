"""The initial self-assessment: configured per programme, answered by the partner, visible to
staff, suggesting goals, and taking the journey's "assess" step."""

import pytest
from django_tenants.utils import tenant_context

from programmes.configuration.models import AssessmentQuestion
from programmes.partners.models import AssessmentAnswer, Partner, Stage
from tests.conftest import World, client_for


@pytest.fixture
def questions(alpha: World) -> list[AssessmentQuestion]:
    with tenant_context(alpha.tenant):
        AssessmentQuestion.objects.all().delete()
        Partner.objects.filter(name="ALPHA-MARKER partner").update(stage=Stage.APPLIED)
        return [
            AssessmentQuestion.objects.create(
                theme="energy",
                answer_type="yes_no",
                text={"da": "Køber I grøn strøm?"},
                suggestion={"da": "Skift til grøn strøm."},
            ),
            AssessmentQuestion.objects.create(
                theme="transport",
                answer_type="scale",
                text={"da": "Cykler medarbejderne?"},
                suggestion={"da": "Lav en cykelordning."},
            ),
            AssessmentQuestion.objects.create(
                theme="waste", answer_type="number", unit="kg", text={"da": "Hvor meget affald?"}
            ),
        ]


def answers(questions: list, yes_no: str = "no", scale: str = "2", number: str = "120") -> dict:
    first, second, third = questions
    return {
        f"question_{first.pk}": yes_no,
        f"question_{second.pk}": scale,
        f"question_{third.pk}": number,
    }


def test_answering_suggests_goals_and_takes_the_assess_step(alpha: World, questions) -> None:
    client = client_for(alpha, "partner_admin")
    form = client.get("/my-partnership/assessment/").content.decode()
    assert "Køber I grøn strøm?" in form and "(kg)" in form
    response = client.post("/my-partnership/assessment/", answers(questions))
    assert response.status_code == 302
    page = client.get("/my-partnership/assessment/").content.decode()
    assert "Skift til grøn strøm." in page and "Lav en cykelordning." in page
    with tenant_context(alpha.tenant):
        partner = Partner.objects.get(name="ALPHA-MARKER partner")
        assert partner.stage == Stage.ASSESSED
        assert sorted(
            AssessmentAnswer.objects.filter(partner=partner).values_list("value", flat=True),
            key=str,
        ) == [120.0, 2, False]
    staff_page = client_for(alpha, "municipal_staff").get(f"/partners/{partner.pk}/")
    assert "Køber I grøn strøm?" in staff_page.content.decode()


def test_good_answers_suggest_nothing(alpha: World, questions) -> None:
    client = client_for(alpha, "partner_admin")
    client.post("/my-partnership/assessment/", answers(questions, yes_no="yes", scale="5"))
    page = client.get("/my-partnership/assessment/").content.decode()
    assert "Skift til grøn strøm." not in page


@pytest.mark.parametrize("bad", [{"scale": "9"}, {"number": "-3"}, {"yes_no": ""}])
def test_bad_answers_are_refused_and_nothing_is_saved(alpha: World, questions, bad) -> None:
    response = client_for(alpha, "partner_admin").post(
        "/my-partnership/assessment/", answers(questions, **bad)
    )
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    with tenant_context(alpha.tenant):
        assert not AssessmentAnswer.objects.exists()
        assert Partner.objects.get(name="ALPHA-MARKER partner").stage == Stage.APPLIED


def test_a_member_sees_but_does_not_submit(alpha: World, questions) -> None:
    client = client_for(alpha, "partner_member")
    assert client.get("/my-partnership/assessment/").status_code == 200
    assert client.post("/my-partnership/assessment/", answers(questions)).status_code == 403


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("partner_admin", 200), ("municipal_admin", 403), (None, 302)],
)
def test_only_partners_open_the_assessment(
    alpha: World, questions, persona: str | None, expected: int, django_assert_max_num_queries
) -> None:
    client = client_for(alpha, persona)
    with django_assert_max_num_queries(10):
        assert client.get("/my-partnership/assessment/").status_code == expected


def test_admins_configure_the_questions(alpha: World, questions) -> None:
    client = client_for(alpha, "municipal_admin")
    response = client.post(
        "/manage/questions/new/",
        {
            "theme": "buildings",
            "text__da": "Er bygningerne energirenoveret?",
            "answer_type": "yes_no",
            "order": "4",
        },
    )
    assert response.status_code == 302
    listed = client_for(alpha).get("/api/v1/assessment-questions/").json()
    assert listed["count"] == 4
