"""The template language: fields in, plain text out, and nothing else a template can reach."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2.exceptions import SecurityError

from goodterms import templating
from goodterms.templating import (
    FIELDS,
    MissingFields,
    TemplateProblems,
    check_template,
    example_fields,
    personal_marks,
    render,
)

SUBJECT = "Thank you, {{ first_name }}"
BODY = "Hi {{ first_name }},\n\nThank you for {{ together }}.\n\n{{ sender_first_name }}"
# A value anyone could type into a contact's notes, heavy on template syntax, with something besides blanks.
# Without line breaks: render() tidies the body's blank lines (at most one in a row), values' included.
VALUES = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("{}%#-+~|.[]()'\" _")),
        st.characters(exclude_categories=["Cs"], exclude_characters="\r\n"),
    ),
    min_size=1,
    max_size=60,
).filter(lambda value: value.strip() != "")


def problems_of(body: str, subject: str = SUBJECT) -> list[tuple[str, int | None, str]]:
    return [(p.part, p.line, p.message) for p in check_template(subject, body)]


def test_it_fills_in_the_fields():
    rendered = render(SUBJECT, BODY, example_fields())
    assert rendered.subject == "Thank you, Dana"
    assert rendered.body == ("Hi Dana,\n\nThank you for the spring relaunch of the online shop.\n\nAlice")


@settings(max_examples=200, deadline=None)
@given(first_name=VALUES, together=VALUES)
def test_values_are_inserted_literally_never_evaluated(first_name, together):
    fields = {**example_fields(), "first_name": first_name, "together": together}
    rendered = render("{{ first_name }}", "<{{ first_name }}|{{ together }}>", fields)
    assert rendered.body == f"<{first_name}|{together}>"


@pytest.mark.parametrize(
    "value",
    [
        "{{ sender }}",
        "{% if true %}boom{% endif %}",
        "{{ ''.__class__.__mro__ }}",
        "{# hidden #}",
        "{{ 7 * 7 }}",
        "}} {{",
    ],
)
def test_template_syntax_in_a_value_comes_out_as_typed(value):
    rendered = render("For {{ first_name }}", "{{ together }}", {**example_fields(), "together": value})
    assert rendered.body == value


@settings(max_examples=100, deadline=None)
@given(value=VALUES)
def test_the_subject_is_always_one_line(value):
    rendered = render("About {{ together }}", BODY, {**example_fields(), "together": value})
    assert "\n" not in rendered.subject and "\r" not in rendered.subject


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__ }}",
        "{{ first_name.__class__.__mro__ }}",
        "{{ first_name['__class__'] }}",
        "{{ first_name.upper() }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ range(10) }}",
        "{% for x in first_name %}{{ x }}{% endfor %}",
        "{% set x = 1 %}",
        "{% include 'base.html' %}",
        "{{ first_name|attr('__class__') }}",
        "{{ first_name|format('x') }}",
    ],
)
def test_the_check_refuses_anything_but_fields(source):
    problems = check_template(SUBJECT, source)
    assert problems, source
    assert all(p.part == "body" and p.line == 1 for p in problems)
    with pytest.raises(TemplateProblems):
        render(SUBJECT, source, example_fields())


def test_the_sandbox_itself_refuses_private_attributes():
    """Behind the check, Jinja's sandbox is the second wall: `{{ ''.__class__ }}` raises there too."""
    env = templating.environment()
    with pytest.raises(SecurityError):
        env.from_string("{{ ''.__class__.__mro__ }}").render()
    with pytest.raises(SecurityError):
        env.from_string("{{ x.__init__.__globals__ }}").render(x="text")


def test_the_sandbox_has_no_globals_and_only_the_allowed_filters():
    env = templating.environment()
    assert env.globals == {}
    assert set(env.filters) == set(templating.ALLOWED_FILTERS)


def test_allowed_filters_work():
    rendered = render(SUBJECT, "{{ client|upper }} {{ first_name|lower }}", example_fields())
    assert rendered.body == "ACME dana"


def test_a_missing_field_is_named_with_its_description():
    fields = {**example_fields(), "first_name": "", "together": "  "}
    del fields["sender_first_name"]
    with pytest.raises(MissingFields) as caught:
        render(SUBJECT, BODY, fields)
    assert caught.value.fields == ("first_name", "sender_first_name")  # together is optional
    message = str(caught.value)
    for name in caught.value.fields:
        assert f"{name} ({FIELDS[name].description})" in message


def test_fields_the_template_does_not_use_may_be_missing():
    rendered = render("Hi", "Hi {{ first_name }}", {"first_name": "Dana"})
    assert rendered.body == "Hi Dana"


def test_an_unknown_field_is_named_with_the_allowed_ones():
    problems = problems_of("Hi {{ first_name }},\n\nSee you, {{ nickname }}.")
    assert len(problems) == 1
    part, line, message = problems[0]
    assert (part, line) == ("body", 3)
    assert "'nickname'" in message
    assert all(name in message for name in FIELDS)


def test_an_unknown_field_in_an_if_is_named_too():
    assert [
        (line, "'vip'" in message) for _part, line, message in problems_of("x\n{% if vip %}y{% endif %}")
    ] == [(2, True)]


def test_a_syntax_error_gives_its_line():
    problems = problems_of("Hi {{ first_name }},\n\nThanks.\n{% if first_name %}\nNo end.")
    assert len(problems) == 1
    part, line, message = problems[0]
    assert part == "body" and line is not None and line >= 4
    assert (
        message
        == "`{% if first_name %}` — a {% if %} is never closed: add {% endif %} where the part it covers ends"
    )
    assert line == 4  # the {% if %}'s own line, not the end of the text where Jinja noticed
    problems = problems_of("Hi,\n\n{{ first_name ")
    assert [(part, line) for part, line, _ in problems] == [("body", 3)]


def test_a_subject_problem_is_reported_as_the_subjects():
    problems = check_template("Hi {{ nick }}", BODY)
    assert [(p.part, p.line) for p in problems] == [("subject", 1)]
    assert str(problems[0]).startswith("Subject, line 1:")


def test_empty_parts_and_multi_line_subjects_are_refused():
    assert {p.message for p in check_template("  ", "\n")} == {"the subject is empty", "the body is empty"}
    assert any("single line" in p.message for p in check_template("Hi\nthere", BODY))


def test_an_empty_optional_field_outside_an_if_becomes_a_part_to_make_personal():
    assert not FIELDS["first_name"].optional
    assert FIELDS["handover_contact"].optional and FIELDS["together"].optional
    guarded = (
        "Hi {{ first_name }},\n"
        "{% if handover_contact %}\n{{ handover_contact }} takes over.\n"
        "{% elif client %}\nAsk {{ client }}.\n{% endif %}\n"
        "{% if handover_contact and first_name %}{{ handover_contact|title }}{% endif %}"
    )
    assert check_template(SUBJECT, guarded) == []
    bare = "Hi {{ first_name }},\nI enjoyed working with you on {{ together }}.\n{{ handover_contact|upper }}"
    assert check_template(SUBJECT, bare) == []
    empty = render(SUBJECT, bare, {**example_fields(), "together": "", "handover_contact": " "})
    assert "working with you on [[make it personal: what you did together]]." in empty.body
    assert "[[MAKE IT PERSONAL: WHO TAKES OVER]]" in empty.body
    assert personal_marks(empty.body) == [
        "make it personal: what you did together",
        "MAKE IT PERSONAL: WHO TAKES OVER",
    ]
    # An empty optional field is false in {% if %}: the else is taken, and nothing is marked.
    tested = render(
        SUBJECT,
        "{% if together %}On {{ together }}.{% else %}Thank you.{% endif %}",
        {**example_fields(), "together": ""},
    )
    assert tested.body == "Thank you." and personal_marks(tested.body) == []
    filled = render(SUBJECT, bare, example_fields())
    assert personal_marks(filled.body) == []


def test_an_empty_optional_field_leaves_no_gap_and_no_blank_lines():
    body = (
        "Hi {{ first_name }},\n\n"
        "{% if handover_contact %}\n{{ handover_contact }} takes over.\n{% endif %}\n\n"
        "Bye"
    )
    with_someone = render(SUBJECT, body, example_fields())
    assert "Sam Park at Lark Studio takes over." in with_someone.body
    nobody = {**example_fields(), "handover_contact": ""}
    assert render(SUBJECT, body, nobody).body == "Hi Dana,\n\nBye"
    del nobody["handover_contact"]
    assert render(SUBJECT, body, nobody).body == "Hi Dana,\n\nBye"


def test_every_field_is_documented_with_an_example():
    for name, field in FIELDS.items():
        assert field.name == name
        assert field.description and field.example
    assert render(
        SUBJECT,
        " ".join(f"{{{{ {name} }}}}" for name in FIELDS if not FIELDS[name].optional),
        {**example_fields()},
    ).body


def test_a_default_template_must_start_with_a_subject_line(tmp_path):
    from goodterms.lib.yamlnodes import FileProblemsError

    (tmp_path / "goodbye.txt").write_text("Hi {{ first_name }}\n\nBody")
    with pytest.raises(FileProblemsError, match=r"goodbye.txt:1: the first line must be"):
        templating.read_template_file("goodbye", tmp_path)
    (tmp_path / "goodbye.txt").write_text("Subject: Hi\nBody")
    with pytest.raises(FileProblemsError, match=r"goodbye.txt:2: "):
        templating.read_template_file("goodbye", tmp_path)
    (tmp_path / "goodbye.txt").write_text("Subject: Hi {{ first_name }}\n\nLine one\n{{ oops }}\n")
    with pytest.raises(FileProblemsError, match=r"goodbye.txt:4: `\{\{ oops \}\}` — unknown field 'oops'"):
        templating.read_template_file("goodbye", tmp_path)
    (tmp_path / "goodbye.txt").write_text("Subject: Hi {{ nick }}\n\nLine one\n")
    with pytest.raises(FileProblemsError, match=r"goodbye.txt:1: `\{\{ nick \}\}` — unknown field 'nick'"):
        templating.read_template_file("goodbye", tmp_path)


def test_deep_nesting_is_a_problem_not_a_crash():
    deep_ifs = "{% if first_name %}" * 1200 + "x" + "{% endif %}" * 1200
    brackets = "{{ " + "(" * 3000 + "first_name" + ")" * 3000 + " }}"
    nested = "{% if client %}" * 9 + "{{ client }}" + "{% endif %}" * 9
    for source in (deep_ifs, brackets, nested):
        problems = check_template(SUBJECT, source)
        assert problems and all(p.part == "body" for p in problems)
        assert "nested" in problems[0].message


def test_an_unknown_kind_has_no_default():
    with pytest.raises(ValueError, match="unknown kind of message 'farewell'"):
        templating.default_template("farewell")


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        (
            "Hi,\n\nThanks {{ client.nmae }} and {{ first_name }}.",
            3,
            "`{{ client.nmae }}` — reading .nmae is not allowed: there is no field called client.nmae; "
            "did you mean {{ client }}?",
        ),
        (
            "Hi {{ first_name }},\n\nA line.\n{{ frist_name }} again",
            4,
            "`{{ frist_name }}` — unknown field 'frist_name': there is no field called frist_name; "
            "did you mean first_name?",
        ),
        ("a\nb\nc\nd\n{% if first_name %}\nx\ny\nz", 5, "`{% if first_name %}` — a {% if %} is never closed"),
        (
            "{% if first_name %}\n{% if company %}x{% endif %}\nmore\n",
            1,
            "`{% if first_name %}` — a {% if %} is never closed",
        ),
        ("x\n\n{% endif %}\nend", 3, "`{% endif %}` — an {% endif %} with no {% if %} before it"),
        ("x\n{% else %}\nend", 2, "`{% else %}` — an {% else %} with no {% if %} before it"),
        ("Hi,\n\n{{ first_name ", 3, "a {{ is never closed: end the field with }}"),
    ],
)
def test_problems_are_in_plain_words_at_the_right_line(body, line, message):
    problems = problems_of(body)
    assert len(problems) == 1, problems
    part, got_line, got = problems[0]
    assert (part, got_line) == ("body", line)
    assert got.startswith(message) or message in got, got
