"""The vocabulary is defined once, and everything that stores or checks a term uses it."""

from goodterms import playbook, tone
from goodterms.clients.models import Contact
from goodterms.exits.models import Exit, ExitStep
from goodterms.lib.vocabulary import (
    Channel,
    Initiator,
    MessageKind,
    Phase,
    PreferredChannel,
    Reason,
    Situation,
    contact_step_key,
)
from goodterms.messaging.models import Message, MessageTemplate


def test_a_term_is_its_value_with_a_label():
    stored: str = "goodbye"  # what a row holds
    assert stored == MessageKind.GOODBYE
    assert f"{MessageKind.GOODBYE}" == "goodbye"
    assert MessageKind("feedback-request") is MessageKind.FEEDBACK_REQUEST
    assert MessageKind.REPLY_TO_TERMINATION.label == "Reply to a termination"
    assert Channel.choices(Channel.EMAIL, Channel.CALL) == [("call", "Call"), ("email", "Email")]


def test_the_cores_and_the_models_use_the_same_terms():
    assert tone.KINDS == playbook.MESSAGE_KINDS == MessageKind.values()
    assert Channel.values() == playbook.CHANNELS
    assert Phase.values() == playbook.PHASES
    assert Initiator.values() == playbook.INITIATORS
    assert Reason.values() == playbook.REASONS
    assert (
        playbook.SITUATIONS
        == Situation.values()
        == tuple(sorted(playbook.default_playbooks(), key=playbook.SITUATIONS.index))
    )


def _choices(model, name):
    return [value for value, _label in model._meta.get_field(name).choices]


def test_every_stored_term_is_limited_to_the_vocabulary():
    assert _choices(Message, "kind") == _choices(MessageTemplate, "kind") == list(MessageKind.values())
    assert _choices(ExitStep, "message_kind") == list(MessageKind.values())
    assert _choices(ExitStep, "channel") == list(Channel.values())
    assert _choices(ExitStep, "phase") == list(Phase.values())
    assert _choices(Exit, "initiated_by") == list(Initiator.values())
    assert _choices(Exit, "reason") == list(Reason.values())
    assert _choices(Contact, "preferred_channel") == list(PreferredChannel.values())
    assert set(_choices(Message, "channel")) == {Channel.EMAIL, Channel.CALL}


def test_per_contact_step_keys_are_made_in_one_place():
    assert contact_step_key("goodbye", "12") == "goodbye:12"
