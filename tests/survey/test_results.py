"""What the user learns: counts behind every figure, the recommend score, praise and complaints marked,
previews never counted, a formula-safe CSV; the questions an organization edits; aftercare's readers."""

from __future__ import annotations

import pytest

from goodterms.clients.models import Client
from goodterms.survey import questions, selectors, services
from tests.survey.conftest import ask, nonce_of


@pytest.fixture
def six_asked(acme_exit, alice):
    """Six people asked about one exit; four answer the recommend question (10, 9, 7, 3)."""
    client = acme_exit.client
    for n in range(4):
        client.contacts.create(
            organization=client.organization, name=f"Person {n}", email=f"p{n}@acme.example"
        )
    asked = [ask(acme_exit, contact.name) for contact in client.contacts.order_by("pk")]
    assert len(asked) == 6
    for one, score, text in zip(
        asked,
        (10, 9, 7, 3),
        ("Thank you, the handover was great", "Helpful and calm", "Fine", "The invoices were wrong"),
        strict=False,
    ):
        answers = {"recommend": score, "worked": text, "communication": 4 if score > 5 else 2}
        assert services.response_send(invitation=one.invitation, answers=answers, consent=False)
    return asked


def test_averages_carry_their_counts_and_the_recommend_score_is_the_usual_one(
    web_alice, acme_exit, six_asked
):
    results = selectors.results(org=acme_exit.organization, exit_=acme_exit)
    by_key = {q.key: q for q in results.questions}
    assert (results.invited, results.finished) == (6, 4)
    recommend = by_key["recommend"]
    assert (recommend.answered, recommend.invited) == (4, 6)
    assert recommend.average == 7.2
    assert recommend.recommend is not None
    assert (recommend.recommend.promoters, recommend.recommend.passives, recommend.recommend.detractors) == (
        2,
        1,
        1,
    )
    assert recommend.recommend.score == 25  # 50 % promoters - 25 % detractors
    assert dict(by_key["communication"].distribution) == {"1": 0, "2": 1, "3": 0, "4": 3, "5": 0}
    texts = {t.text: t for t in by_key["worked"].texts}
    assert texts["Thank you, the handover was great"].praise
    assert texts["The invoices were wrong"].complaint
    html = web_alice.get(f"/survey/exits/{acme_exit.pk}/").content.decode()
    assert "answered 4 of 6 invited" in html and "Recommend score: <strong>25</strong>" in html
    assert "4 of 6 invited answered" in web_alice.get(f"/exits/{acme_exit.pk}/").content.decode()


def test_preview_answers_are_never_counted(web_alice, web_bob, acme_exit, six_asked):
    before = selectors.results(org=acme_exit.organization)
    untouched = six_asked[5]
    for http in (web_alice, web_bob):
        nonce = nonce_of(http.get(untouched.url).content.decode())
        http.post(
            untouched.url, {"nonce": nonce, "action": "send", "q-recommend": "0", "q-worked": "Preview"}
        )
    after = selectors.results(org=acme_exit.organization)
    assert after.finished == before.finished == 4
    assert [q.values for q in after.questions] == [q.values for q in before.questions]


def test_the_csv_is_formula_safe_and_across_exits(web_alice, acme_exit, alice, org_a):
    from tests.exits.conftest import start_for

    other = Client.objects.create(organization=org_a, name="Initech")
    other.contacts.create(organization=org_a, name="Peter Gibbons", email="peter@initech.example")
    peter = ask(start_for(other, alice), "Peter Gibbons")
    dana = ask(acme_exit)
    services.response_send(invitation=peter.invitation, answers={"worked": "=HYPERLINK(1)"}, consent=False)
    services.response_send(invitation=dana.invitation, answers={"recommend": 8}, consent=False)
    csv = b"".join(web_alice.get("/survey/results.csv").streaming_content).decode()
    assert "'=HYPERLINK(1)" in csv and "=HYPERLINK" not in csv.replace("'=HYPERLINK", "")
    assert "Initech" in csv and "Acme Corp" in csv
    one = b"".join(web_alice.get(f"/survey/exits/{acme_exit.pk}/results.csv").streaming_content).decode()
    assert "Initech" not in one and "Acme Corp" in one
    across = web_alice.get("/survey/results/").content.decode()
    assert "answered 1 of 2 invited" in across


def test_aftercare_reads_the_score_and_the_consenting_quotes_only(acme_exit):
    dana, eli = ask(acme_exit, "Dana Diaz"), ask(acme_exit, "Eli Evans")
    services.response_send(
        invitation=dana.invitation, answers={"recommend": 9, "quote": "A joy to work with."}, consent=True
    )
    services.response_send(invitation=eli.invitation, answers={"quote": "Not for print."}, consent=False)
    org = acme_exit.organization
    assert selectors.recommend_score_for_contact(org, dana.invitation.contact) == 9
    assert selectors.recommend_score_for_contact(org, eli.invitation.contact) is None
    (testimonial,) = selectors.testimonials_consented(org)
    assert testimonial.quote == "A joy to work with." and testimonial.company == "Acme Corporation"
    assert testimonial.consent_wording == questions.CONSENT_WORDING
    assert services.consent_withdraw(invitation=dana.invitation)
    assert selectors.testimonials_consented(org) == []


def test_the_owner_edits_the_questions_with_each_problem_named(web_alice, web_bob):
    page = web_alice.get("/survey/questions/").content.decode()
    assert "text: What worked well" in page
    eight = "\n".join(f"text: Question {n}?" for n in range(8))
    for lines, problem in (
        ("text: Fine?\nslider: Slide?", "Line 2 must start with a kind"),
        ("choice: Again? | Yes", "Line 1: a choice needs 2 to 8 options"),
        (eight, "There are 8 questions; at most 7"),
        ("score: A?\nscore: B?", "At most one “score” question"),
        ("rating: Good? | a | b", "Line 1: only a choice question has options"),
    ):
        refused = web_alice.post("/survey/questions/", {"lines": lines})
        assert refused.status_code == 200 and problem in refused.content.decode(), problem
    assert web_bob.post("/survey/questions/", {"lines": "text: Mine?"}).status_code == 403
    assert web_alice.post("/survey/questions/", {"lines": "choice: Again? | Yes | No"}).status_code == 302
    assert "Again?" in web_alice.get("/survey/questions/").content.decode()
    web_alice.post("/survey/questions/", {"action": "reset", "lines": ""})
    assert "Again?" not in web_alice.get("/survey/questions/").content.decode()


def test_the_default_set_is_short_and_typed():
    default = questions.default_questions()
    assert len(default) <= questions.MAX_QUESTIONS
    assert {q["kind"] for q in default} >= {"text", "rating", "score", "quote"}
    assert questions.parse_lines(questions.as_lines(default), keep=default) == default


def test_it_checks_ownership(web_charlie, acme_exit, six_asked):
    """Org B sees none of org A's answers: its own pages are empty, org A's are 404."""
    assert web_charlie.get(f"/survey/exits/{acme_exit.pk}/").status_code == 404
    assert web_charlie.get(f"/survey/exits/{acme_exit.pk}/results.csv").status_code == 404
    across = web_charlie.get("/survey/results/").content.decode()
    assert "Helpful and calm" not in across and "0 of 0 invited answered" in across
    csv = b"".join(web_charlie.get("/survey/results.csv").streaming_content).decode()
    assert "Helpful and calm" not in csv and "Acme" not in csv
