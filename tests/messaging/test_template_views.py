"""The template pages: everyone reads them, the owner edits and resets, and nothing crosses organizations."""

from __future__ import annotations

from django.urls import reverse

from goodterms import templating
from goodterms.lib.vocabulary import MessageKind
from goodterms.messaging.models import MessageTemplate
from goodterms.messaging.selectors import template_for

GOODBYE = reverse("messaging:template-edit", args=["goodbye"])
OWN_SUBJECT = "Thanks, {{ first_name }}"
OWN_BODY = (
    "Hi {{ first_name }},\n\nThank you for {{ together }}. It was a joy working with you.\n\n"
    "{% if handover_contact %}\n{{ handover_contact }} takes it from here.\n{% endif %}\n\n"
    "All the best,\n{{ sender_first_name }}"
)


def test_the_list_shows_every_kind_with_a_preview(web_alice):
    response = web_alice.get(reverse("messaging:templates"))
    assert response.status_code == 200
    html = response.content.decode()
    for kind, label in MessageKind.choices():
        assert label in html
        assert reverse("messaging:template-edit", args=[kind]) in html
    assert "Hi Dana," in html  # the previews are filled in with the example fields
    assert "{{ first_name }}" not in html
    assert html.count("<h1") == 1


def test_the_owner_edits_a_template(web_alice, org_a, alice):
    response = web_alice.post(GOODBYE, {"subject": OWN_SUBJECT, "body": OWN_BODY, "action": "save"})
    assert response.status_code == 302 and response["Location"] == GOODBYE
    row = MessageTemplate.objects.get(organization=org_a, kind="goodbye")
    assert (row.subject, row.body, row.updated_by) == (OWN_SUBJECT, OWN_BODY, alice)
    assert template_for(org=org_a, kind="goodbye") == (OWN_SUBJECT, OWN_BODY, False)

    page = web_alice.get(GOODBYE).content.decode()
    assert "It was a joy working with you." in page  # the preview of the saved version
    assert "Politeness" in page  # with the tone coach's reading

    # Saving again updates the same row: one template per organization and kind.
    web_alice.post(GOODBYE, {"subject": "Thank you", "body": OWN_BODY, "action": "save"})
    assert MessageTemplate.objects.filter(organization=org_a, kind="goodbye").count() == 1
    assert template_for(org=org_a, kind="goodbye")[0] == "Thank you"


def test_check_shows_the_coach_without_saving(web_alice, org_a):
    body = "Hi {{ first_name }},\n\nAs per my last email, you never sent the logo.\n\n{{ sender_first_name }}"
    response = web_alice.post(GOODBYE, {"subject": OWN_SUBJECT, "body": body, "action": "check"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Error" in html and "you never" in html
    assert not MessageTemplate.objects.filter(organization=org_a).exists()


def test_the_coach_findings_show_but_do_not_stop_a_save(web_alice, org_a):
    body = "Hi {{ first_name }},\n\nAs per my last email, you never sent the logo.\n\n{{ sender_first_name }}"
    response = web_alice.post(GOODBYE, {"subject": OWN_SUBJECT, "body": body, "action": "save"}, follow=True)
    assert MessageTemplate.objects.filter(organization=org_a, kind="goodbye").exists()
    assert "you never" in response.content.decode()


def test_a_bad_template_is_refused_with_its_lines_and_nothing_is_saved(web_alice, org_a):
    body = "Hi {{ first_name }},\n\nThanks for {{ togther }}.\n\n{{ ''.__class__ }}\n{{ sender_first_name }}"
    response = web_alice.post(GOODBYE, {"subject": "Hi {{ nick }}", "body": body, "action": "save"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was saved" in html
    assert "Body, line 3" in html and "togther" in html
    assert "Body, line 5" in html and "__class__" in html
    assert "Subject, line 1" in html and "nick" in html
    assert not MessageTemplate.objects.filter(organization=org_a).exists()

    response = web_alice.post(GOODBYE, {"subject": OWN_SUBJECT, "body": "Hi\n\n{% if first_name %}\nno end"})
    html = response.content.decode()
    assert "Body, line 3</strong>: `{% if first_name %}` — a {% if %} is never closed" in html
    assert not MessageTemplate.objects.filter(organization=org_a).exists()


def test_an_optional_field_outside_an_if_is_saved_and_shows_where_it_would_be_empty(web_alice, org_a):
    body = "Hi {{ first_name }},\n\n{{ handover_contact }} takes over."
    check = web_alice.post(
        GOODBYE, {"subject": OWN_SUBJECT, "body": body, "action": "check"}
    ).content.decode()
    assert "Sam Park at Lark Studio takes over." in check  # the preview, with the example value
    web_alice.post(GOODBYE, {"subject": OWN_SUBJECT, "body": body, "action": "save"})
    assert MessageTemplate.objects.get(organization=org_a).body == body


def test_a_member_may_look_but_not_change(web_bob, org_a):
    page = web_bob.get(GOODBYE)
    assert page.status_code == 200
    assert "Only the organization's owner" in page.content.decode()
    response = web_bob.post(GOODBYE, {"subject": OWN_SUBJECT, "body": OWN_BODY, "action": "save"})
    assert response.status_code == 403
    assert not MessageTemplate.objects.filter(organization=org_a).exists()
    reset = web_bob.post(reverse("messaging:template-reset", args=["goodbye"]))
    assert reset.status_code == 403


def test_reset_asks_first_goes_back_to_the_default_and_can_be_undone(web_alice, org_a):
    web_alice.post(GOODBYE, {"subject": OWN_SUBJECT, "body": OWN_BODY, "action": "save"})
    assert template_for(org=org_a, kind="goodbye")[2] is False
    edit = web_alice.get(GOODBYE).content.decode()
    url = reverse("messaging:template-reset", args=["goodbye"])
    assert f'href="{url}">Go back to goodterms\' default…</a>' in edit.replace("&#x27;", "'")
    ask = web_alice.get(url)
    assert ask.status_code == 200 and "Go back to the default goodbye template?" in ask.content.decode()
    assert MessageTemplate.objects.filter(organization=org_a).exists()  # the GET wrote nothing
    response = web_alice.post(url)
    assert response.status_code == 200
    assert not MessageTemplate.objects.filter(organization=org_a).exists()
    assert template_for(org=org_a, kind="goodbye") == (*templating.default_template("goodbye"), True)
    html = response.content.decode()
    assert "Undo: put my version back" in html
    # The undo posts the previous text to the editor, which saves it again.
    undo = web_alice.post(GOODBYE, {"subject": OWN_SUBJECT, "body": OWN_BODY, "action": "save"})
    assert undo.status_code == 302
    assert template_for(org=org_a, kind="goodbye")[:2] == (OWN_SUBJECT, OWN_BODY)
    assert 'name="subject" value="' in html
    # Already the default: nothing to confirm.
    web_alice.post(url)
    again = web_alice.get(url)
    assert again.status_code == 302


def test_an_unknown_kind_is_404(web_alice):
    assert web_alice.get("/messages/templates/farewell/").status_code == 404
    assert web_alice.post("/messages/templates/farewell/", {"subject": "x", "body": "y"}).status_code == 404
    assert web_alice.post("/messages/templates/farewell/reset/").status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(visitor, org_a):
    response = visitor.get(reverse("messaging:templates"))
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_it_checks_ownership(web_alice, web_charlie, org_a, org_b):
    """Charlie's edit for org B never shows in org A, and his reset never touches org A's row."""
    web_charlie.post(
        GOODBYE, {"subject": "Bravo says bye", "body": "Hi {{ first_name }}, from Bravo.", "action": "save"}
    )
    assert template_for(org=org_b, kind="goodbye")[0] == "Bravo says bye"
    assert template_for(org=org_a, kind="goodbye")[2] is True
    assert "Bravo says bye" not in web_alice.get(GOODBYE).content.decode()
    assert "Bravo says bye" not in web_alice.get(reverse("messaging:templates")).content.decode()

    web_alice.post(GOODBYE, {"subject": OWN_SUBJECT, "body": OWN_BODY, "action": "save"})
    web_charlie.post(reverse("messaging:template-reset", args=["goodbye"]))
    assert template_for(org=org_a, kind="goodbye") == (OWN_SUBJECT, OWN_BODY, False)
    assert template_for(org=org_b, kind="goodbye")[2] is True
