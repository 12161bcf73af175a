"""analyze() on realistic messages: each category fires on the right words; bad input gets a clear result."""

from __future__ import annotations

import json

import pytest

from goodterms.tone import CATEGORIES, KINDS, Report, analyze


def spans(report: Report, text: str, rule: str) -> list[str]:
    return [text[f.start : f.end] for f in report.findings if f.rule == rule]


def rules(report: Report) -> set[str]:
    return {f.rule for f in report.findings}


NOTICE_GOOD = """Hi Anna,

I've decided to end our retainer, and my last day on the shop will be Friday 3 April.

Thank you for two great years. Before then I'll move the domain, hosting and design files to your accounts.
I'd be glad to introduce you to Sam at Lark Studio, who knows the platform well. The final invoice will cover
March only. I'm on this address for any questions until the end of April.

Best,
Tom"""


CATEGORY_CASES = [
    # (category, kind, text, rule, the words the finding must point at)
    (
        "mass-greeting",
        "goodbye",
        "Hi all,\nToday is my last day on the account. Thank you for a wonderful three years.\nTom",
        "mass-greeting.hi-all",
        "Hi all",
    ),
    (
        "passive-aggressive",
        "handover",
        "Hi Sam,\nAs per my last email, the passwords are in the vault. "
        "I'll walk you through it on 6 April.\nTom",
        "passive-aggressive.as-per-my-last-email",
        "As per my last email",
    ),
    (
        "blame",
        "reply-to-termination",
        "Hi Anna,\nUnderstood. The launch slipped because you never sent the product photos.\nTom",
        "blame.you-never",
        "you never",
    ),
    (
        "emotional",
        "sour-ending",
        "Hi Anna,\nThis is NOT ACCEPTABLE. I am ending the contract on 31 March.\nTom",
        "emotional.shouting",
        "NOT ACCEPTABLE",
    ),
    (
        "defensive",
        "reply-to-termination",
        "Hi Anna,\nThanks for letting me know. For the record, I did everything you asked.\nTom",
        "defensive.justifying",
        "For the record",
    ),
    (
        "cold",
        "goodbye",
        "Hi Anna,\nThe project is finished and the files are in your drive. "
        "I'm moving on to other work now.\nTom",
        "cold.no-thanks",
        "",
    ),
    (
        "vague",
        "notice",
        "Hi Anna,\nI'm ending the retainer on 31 March and will send the files shortly. "
        "Thank you for the year.",
        "vague.soon",
        "shortly",
    ),
    (
        "wordy",
        "goodbye",
        "Hi Anna,\nIn order to close the project, I've archived the board. Thank you for a lovely year.\nTom",
        "wordy.wordiness",
        "In order to",
    ),
    (
        "over-apologetic",
        "notice",
        "Hi Anna,\nI'm so sorry to do this, but I'm ending the retainer on 31 March. "
        "Thank you for everything.",
        "over-apologetic.sorry-for-leaving",
        "sorry to do this",
    ),
    (
        "hedging",
        "notice",
        "Hi Anna,\nI think I might need to end the retainer on 31 March. Thank you for everything.",
        "hedging.hedged-decision",
        "I think I might",
    ),
    (
        "unanswered-question",
        "notice",
        "Hi Anna,\nI've decided to end the retainer. Thank you for a great year.\nTom",
        "unanswered-question.end-date",
        "",
    ),
]


def test_the_cases_cover_every_category():
    assert {case[0] for case in CATEGORY_CASES} == set(CATEGORIES)


@pytest.mark.parametrize(
    ("category", "kind", "text", "rule", "words"), CATEGORY_CASES, ids=[c[0] for c in CATEGORY_CASES]
)
def test_each_category_fires_on_the_right_words(category, kind, text, rule, words):
    report = analyze(text, kind)
    assert words in spans(report, text, rule), [(f.rule, text[f.start : f.end]) for f in report.findings]
    finding = next(f for f in report.findings if f.rule == rule)
    assert finding.category == category and finding.message


def test_a_missing_item_is_asked_at_the_end_of_the_text():
    text = "Hi Anna,\nI've decided to end the retainer. Thank you for a great year.\nTom"
    report = analyze(text, "notice")
    questions = {f.rule: f for f in report.findings if f.category == "unanswered-question"}
    assert set(questions) == {
        "unanswered-question.end-date",
        "unanswered-question.files-and-access",
        "unanswered-question.successor",
        "unanswered-question.money",
        "unanswered-question.contact",
    }
    assert all(f.start == f.end == len(text) for f in questions.values())
    assert questions["unanswered-question.end-date"].message == "When exactly does this end?"
    assert questions["unanswered-question.end-date"].severity == "error"
    assert (
        questions["unanswered-question.files-and-access"].message
        == "What happens to my files, accounts and passwords?"
    )


def test_a_complete_notice_leaves_no_question_open():
    report = analyze(NOTICE_GOOD, "notice")
    assert not [f for f in report.findings if f.category == "unanswered-question"]
    assert not report.has_errors


@pytest.mark.parametrize(
    ("date"), ["31 March", "March 31", "2026-03-31", "on Friday 3 April", "3rd of April", "31/03/2026"]
)
def test_the_end_date_can_be_written_many_ways(date):
    text = NOTICE_GOOD.replace("Friday 3 April", "xx").replace(
        "my last day on the shop will be xx", f"it ends {date}"
    )
    assert "unanswered-question.end-date" not in rules(analyze(text, "notice"))


def test_kind_specific_rules_apply_only_to_their_kinds():
    text = "Hi all,\nA quick update on the shop: the new theme is live. Thank you!"
    assert "mass-greeting.hi-all" in rules(analyze(text, "goodbye"))
    assert "mass-greeting.hi-all" not in rules(analyze(text, "check-in"))
    bare = "Hi Anna, thanks for the update on the shop, it looks great."
    assert "unanswered-question.end-date" in rules(analyze(bare, "notice"))
    assert not [r for r in rules(analyze(bare, "check-in")) if r.startswith("unanswered-question.")]
    assert not [r for r in rules(analyze(bare, None)) if r.startswith("unanswered-question.")]


def test_quoted_replies_are_ignored():
    text = (
        "Hi Anna,\nThanks for letting me know, and for the two good years. "
        "I'll send the files on Friday.\nTom\n\n"
        "On Tue, 3 Mar 2026 at 10:14, Anna Client <anna@example.com> wrote:\n"
        "> You never sent the invoice!!! This is NOT ACCEPTABLE.\n> As per my last email, we are done.\n"
    )
    report = analyze(text, "reply-to-termination")
    assert not [f for f in report.findings if f.start > text.index("On Tue")]
    assert any("quoted" in note for note in report.notes)


def test_inline_quote_lines_are_ignored_but_the_reply_is_read():
    text = (
        "Hi Anna,\n> Why did you never send the invoice?\n"
        "You never asked for it, but here it is. Thanks for the year.\n"
    )
    report = analyze(text, "reply-to-termination")
    assert spans(report, text, "blame.you-never") == ["You never"]
    [finding] = [f for f in report.findings if f.rule == "blame.you-never"]
    assert finding.start > text.index("You never asked") - 1


def test_outlook_original_message_is_ignored():
    text = (
        "Hi Anna, thanks again for everything.\n\n"
        "-----Original Message-----\nFrom: Anna\nYou never pay on time.\n"
    )
    assert "blame.you-never" not in rules(analyze(text, "goodbye"))


def test_the_signature_is_not_read_as_the_message():
    text = (
        "Hi Anna,\nThanks for the kind words and for a great year together.\n\nBest,\nTom Baker\n"
        "TOM BAKER DESIGN LTD | Sorry, sorry\nNO EMAIL ON FRIDAYS!!\n"
    )
    report = analyze(text, "goodbye")
    assert not [f for f in report.findings if f.start >= text.index("Tom Baker")], report.findings
    text = "Hi Anna,\nThanks for a lovely year.\n-- \nTOM BAKER DESIGN LTD\nYou never know what's next!!!\n"
    assert not [f for f in analyze(text, "goodbye").findings if f.start >= text.index("-- ")]


def test_a_thank_you_line_in_the_middle_is_not_a_sign_off():
    text = "Hi Anna,\nThanks!\nI know you never liked the old logo. Shall we talk on Friday?\nTom"
    report = analyze(text, "check-in")
    assert spans(report, text, "blame.you-never") == ["you never"]
    assert report.stats.questions == 1


def test_a_signature_can_still_answer_how_to_reach_you():
    text = NOTICE_GOOD.replace("I'm on this address for any questions until the end of April.\n", "")
    assert "unanswered-question.contact" in rules(analyze(text, "notice"))
    signed = text + "\n+44 20 7946 0000\ntom@example.com"
    assert "unanswered-question.contact" not in rules(analyze(signed, "notice"))


def test_to_dict_is_json():
    report = analyze(NOTICE_GOOD.replace("Friday 3 April", "soon"), "notice")
    data = json.loads(json.dumps(report.to_dict()))
    assert data["kind"] == "notice" and data["language"] == "en"
    assert {"rule", "category", "severity", "start", "end", "message", "suggestion"} <= set(
        data["findings"][0]
    )
    assert set(data["stats"]) == {"words", "sentences", "reading_grade", "questions"}
    assert 0.0 <= data["politeness"] <= 1.0


def test_stats():
    report = analyze(
        "Hi Anna,\nThe files are ready. Could you check them? Thanks for the year!", "completion"
    )
    assert report.stats.words == 14
    assert report.stats.sentences == 4
    assert report.stats.questions == 1


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown kind of message 'farewell'; allowed: notice, handover"):
        analyze("Hi", "farewell")


def test_not_a_string_is_refused():
    with pytest.raises(TypeError):
        analyze(b"Hi Anna")  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["", " ", "\n\n\t  \r\n"])
def test_empty_text(text):
    report = analyze(text, "notice")
    assert report.findings == () and report.stats.words == 0
    assert report.notes and "empty" in report.notes[0]


def test_a_megabyte_of_text():
    text = (NOTICE_GOOD + "\n\nYou never sent it!!\n") * (1_000_000 // (len(NOTICE_GOOD) + 22) + 1)
    assert len(text) >= 1_000_000
    report = analyze(text, "notice")
    assert report.stats.words > 150_000
    assert all(0 <= f.start <= f.end <= len(text) for f in report.findings)
    assert text[report.findings[0].start : report.findings[0].end]


def test_an_html_body():
    html = (
        "<html><head><style>p {color: red}</style></head><body><div dir='ltr'><p>Hi Anna,</p>"
        "<p>As per my last email, the files are in the shared folder &amp; "
        "the passwords are in the vault.</p>"
        "<p>Thank you for a lovely year.</p>"
        "<div class='gmail_quote'><blockquote>You never sent it!</blockquote>"
        "</div></div></body></html>"
    )
    report = analyze(html, "goodbye")
    assert spans(report, html, "passive-aggressive.as-per-my-last-email") == ["As per my last email"]
    assert "blame.you-never" not in rules(report)
    assert "mass-greeting.hi-all" not in rules(report) and "cold.no-name" not in rules(report)
    assert any("HTML" in note for note in report.notes)


def test_html_entities_map_back_to_the_source():
    html = "<p>Hi Anna,</p><p>You&nbsp;never sent the invoice, and I&#39;m fed up with it.</p><p>Thanks.</p>"
    report = analyze(html, "sour-ending")
    assert spans(report, html, "blame.you-never") == ["You&nbsp;never"]
    assert spans(report, html, "emotional.anger") == ["I&#39;m fed up"]


def test_emoji():
    text = "Hi Anna 👋,\nWere you surprised 🙏🎉?! You never stopped surprising us 😄. All the best!"
    report = analyze(text, "goodbye")
    assert spans(report, text, "emotional.stacked-marks") == ["?!"]
    assert all(0 <= f.start <= f.end <= len(text) for f in report.findings)
    assert analyze("🙏🎉👋", "goodbye").stats.words == 0


def test_right_to_left_text_is_not_scored():
    text = "שלום אנה, רציתי להודיע לך שאני מסיים את העבודה בסוף החודש. תודה רבה על הכול."
    report = analyze(text, "notice")
    assert report.language == "unsupported" and report.findings == ()
    assert any("English" in note for note in report.notes)
    arabic = "مرحبا آنا، أود أن أخبرك بأنني سأنهي العمل في نهاية الشهر. شكرا جزيلا على كل شيء."
    assert analyze(arabic, "notice").language == "unsupported"


@pytest.mark.parametrize(
    "text",
    [
        "Hola Ana, quería decirte que voy a terminar nuestro contrato a finales de marzo. Gracias por todo.",
        "Bonjour Anne, je voulais te dire que je vais mettre fin à notre contrat à la fin du mois. Merci.",
        "Hallo Anna, ich wollte dir sagen, dass ich unseren Vertrag zum Ende des Monats beende. Danke.",
        "こんにちは、アンナさん。今月末で契約を終了することをお知らせします。ありがとうございました。",
    ],
)
def test_other_languages_are_not_supported(text):
    report = analyze(text, "notice")
    assert report.language == "unsupported" and report.findings == ()
    assert "English" in report.notes[-1] and "politeness" in report.notes[-1]


def test_an_english_text_with_a_foreign_name_is_still_english():
    text = "Hi Señora García, thank you for the lovely year at Café de la Paz. The files are in your drive."
    assert analyze(text, "goodbye").language == "en"


def test_a_short_list_is_still_english():
    text = "Hosting: Netlify.\nDomain: Namecheap.\nDNS: Cloudflare.\nRepo: GitHub.\nAnalytics: Plausible."
    assert analyze(text, "handover").language == "en"


def test_every_kind_runs():
    for kind in (*KINDS, None):
        report = analyze(NOTICE_GOOD, kind)
        assert report.kind == kind


ADVERSARIAL = {
    "single capitals": "I " * 100_000,
    "question marks": "?" * 200_000 + "x",
    "full stops": "." * 200_000 + "x",
    "open tags": "<a" * 100_000 + "<p>",
    "comment openers": "<!--" * 50_000,
    "spaces inside a phrase": "you" + " " * 200_000 + "x",
    "reply headers": ("On " + "x" * 250 + "\n") * 700,
    "one long word": "a" * 200_000,
    "digits": "1 " * 100_000 + "x",
}


@pytest.mark.parametrize("text", ADVERSARIAL.values(), ids=ADVERSARIAL.keys())
def test_long_runs_do_not_backtrack(text):
    """Each of these once took time quadratic in its length; now each is read in one pass."""
    report = analyze(text, "notice")
    assert all(0 <= f.start <= f.end <= len(text) for f in report.findings)


def test_overlapping_findings_of_different_rules_are_all_reported():
    text = "Hi Anna,\nI can't believe you never paid the invoice, as per my last email."
    report = analyze(text, "sour-ending")
    assert spans(report, text, "emotional.venting") == ["I can't believe you"]
    assert spans(report, text, "blame.you-never") == ["you never"]
    assert spans(report, text, "passive-aggressive.as-per-my-last-email") == ["as per my last email"]


def test_the_score_explains_itself_with_spans():
    text = "Why did you break the logo again? Fix it now, this is stupid."
    report = analyze(text)
    assert report.reasons, report
    for reason in report.reasons:
        assert 0 <= reason.start < reason.end <= len(text)
    down = [reason for reason in report.reasons if reason.weight < 0]
    assert down, report.reasons


def test_a_clearly_impolite_message_gets_a_warning_at_its_words():
    from goodterms.tone import IMPOLITE, IMPOLITE_RULE

    text = "Wrong. Fix it. Now. Why? Stop. No. Why? Wrong again."
    report = analyze(text)
    assert report.politeness is not None and report.politeness < IMPOLITE
    [finding] = [f for f in report.findings if f.rule == IMPOLITE_RULE]
    assert finding.severity == "warning" and text[finding.start : finding.end]
    strongest = min(report.reasons, key=lambda reason: reason.weight)
    assert finding.start == strongest.start
    polite = analyze("Thanks so much for the files, Sam. Could you send the invoice when you have a moment?")
    assert polite.politeness is not None and polite.politeness > 0.5
    assert IMPOLITE_RULE not in {f.rule for f in polite.findings}


def test_too_short_to_score_is_none():
    assert analyze("Ok").politeness is None
    assert analyze("").politeness is None


def test_capitals_on_any_line_of_a_long_message_are_found_where_they_are():
    text = (
        "PROJECT SUMMARY\n"
        "Name\tTitle\tYOU ARE NOT\n"
        "The site went live on Monday.\n"
        "Still, I have NEVER been treated like this and YOU NEED TO READ THE CONTRACT again.\n"
        "It is NOT ACCEPTABLE.\n"
    )
    found = {f.rule: f for f in analyze(text, "goodbye").findings if f.category == "emotional"}
    shouting, emphasis = found["emotional.shouting"], found["emotional.caps-emphasis"]
    assert text[shouting.start : shouting.end] == "YOU NEED TO READ THE CONTRACT"
    assert text[emphasis.start : emphasis.end] == "NEVER"
