"""Without a mail server, each message is its own .eml file, which a mail app reads back whole."""

from __future__ import annotations

import email
from email import policy

from django.core import mail
from django.core.mail import EmailMessage

from goodterms.messaging import mailfiles


def test_each_message_of_one_connection_is_its_own_eml_file(settings, tmp_path):
    settings.EMAIL_BACKEND = mailfiles.BACKEND
    settings.EMAIL_FILE_PATH = str(tmp_path)
    with mail.get_connection() as connection:
        sent = connection.send_messages(
            [
                EmailMessage("Thank you, Zoë", "Merci pour tout. 🌿", "ada@example.org", ["zoe@example.org"]),
                EmailMessage("شكرا", "شكرا جزيلا على كل شيء", "ada@example.org", ["noor@example.org"]),
                EmailMessage("Nobody", "no recipient", "ada@example.org", []),
            ]
        )
    assert sent == 2
    files = sorted(tmp_path.iterdir())
    assert [path.suffix for path in files] == [".eml", ".eml"], "one file per message, no .log"
    read = [email.message_from_bytes(path.read_bytes(), policy=policy.default) for path in files]
    by_subject = {message["Subject"]: message for message in read}
    assert set(by_subject) == {"Thank you, Zoë", "شكرا"}
    zoe = by_subject["Thank you, Zoë"]
    assert zoe["To"] == "zoe@example.org"
    body = zoe.get_body()
    assert body is not None and body.get_content().strip() == "Merci pour tout. 🌿"


def test_the_default_mail_setting_writes_eml_files(tmp_path):
    from goodterms.settings import email_settings

    assert email_settings("", tmp_path)["EMAIL_BACKEND"] == mailfiles.BACKEND
    assert email_settings("file:///srv/mail", tmp_path) == {
        "EMAIL_BACKEND": mailfiles.BACKEND,
        "EMAIL_FILE_PATH": "/srv/mail",
    }


def test_goodterms_own_mail_is_written_as_built(settings, tmp_path, web_alice):
    """An invitation (an account email, built by messaging/mail.py) lands as the exact bytes a server gets."""
    settings.EMAIL_BACKEND = mailfiles.BACKEND
    settings.EMAIL_FILE_PATH = str(tmp_path)
    response = web_alice.post("/members/invite/", {"email": "zoë@exämple.org"})
    assert response.status_code == 200
    [path] = tmp_path.glob("*.eml")
    data = path.read_bytes()
    assert b"\r\n" in data, "the wire's line ends"
    invitation = email.message_from_bytes(data, policy=policy.default)
    assert invitation["Subject"].startswith("Join ")
    body = invitation.get_body()
    assert body is not None and "/invite/" in body.get_content()
