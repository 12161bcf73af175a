"""The goodterms fields a column or a vCard property can fill, and which column is which.

`FIELDS` lists them in the order the upload page explains them; `guess_mapping` reads a CSV header ("E-mail
address", "Organisation"…) into column index -> field key, and `check_mapping` says in words what is wrong
with a mapping the user chose. The mapping is stored on the batch as JSON (`mapping_to_json` and back).

Plain Python, no Django: the form rules themselves are applied by the preview (preview.py).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ImportField:
    key: str
    label: str
    group: str  # "Client" or "Contact": the two halves of a row
    header: str  # the header goodterms' own CSV export writes (and the example file uses)
    help: str


# The longest client name the model stores (Client.name), for the help text. The preview checks values with
# the model's own limit; a test keeps this number equal to it.
CLIENT_NAME_MAX_LENGTH = 200

FIELDS: tuple[ImportField, ...] = (
    ImportField(
        "client_name",
        "Client name",
        "Client",
        "Client",
        f"Required on every row. A client you already have (same name, any case) gets the row's contact; "
        f"a new name creates the client. Up to {CLIENT_NAME_MAX_LENGTH} characters.",
    ),
    ImportField(
        "company", "Company", "Client", "Company", "The client's legal or company name, if different."
    ),
    ImportField(
        "status", "Status", "Client", "Status", "Active, Ending, Ended or Alumni. Empty means Active."
    ),
    ImportField(
        "start_date",
        "Start date",
        "Client",
        "Start date",
        "When the relationship began, as YYYY-MM-DD (2024-03-01).",
    ),
    ImportField(
        "tags",
        "Tags",
        "Client",
        "Tags",
        "Separated by commas, semicolons or “ ::: ” (Google's labels): retainer, design. Google's own groups "
        "(“* myContacts”, “* starred”) are left out.",
    ),
    ImportField("client_notes", "Client notes", "Client", "Client notes", "Anything about the client."),
    ImportField(
        "contact_name",
        "Contact name",
        "Contact",
        "Contact",
        "The person's full name. Leave the contact columns empty for a row that adds only a client.",
    ),
    ImportField(
        "first_name",
        "First name",
        "Contact",
        "",
        "Joined with the last name when the file has no full-name column.",
    ),
    ImportField("middle_name", "Middle name", "Contact", "", "Joined between the first and the last name."),
    ImportField("last_name", "Last name", "Contact", "", "Joined after the first name."),
    ImportField(
        "email",
        "Email",
        "Contact",
        "Email",
        "The address goodterms writes to. A person whose address is already in goodterms is skipped, not "
        "imported twice. May be chosen for several columns (E-mail 1, E-mail 2…): the first address found is "
        "used, the others are kept as other email addresses; so are the rest of a cell “a@x ::: b@y”.",
    ),
    ImportField(
        "phone",
        "Phone",
        "Contact",
        "Phone",
        "Any format: +44 20 7946 0000. May be chosen for several columns (Business, Mobile…): the first "
        "number found is used, the others are kept as other phone numbers.",
    ),
    ImportField(
        "other_emails",
        "Other email addresses",
        "Contact",
        "Other email addresses",
        "Kept for you, one a line; goodterms never writes to them.",
    ),
    ImportField(
        "other_phones", "Other phone numbers", "Contact", "Other phone numbers", "Kept for you, one a line."
    ),
    ImportField("role", "Role or title", "Contact", "Role", "CTO, Head of marketing…"),
    ImportField(
        "preferred_channel",
        "Preferred channel",
        "Contact",
        "Preferred channel",
        "Email, Phone or In person. Empty means Email.",
    ),
    ImportField(
        "is_primary",
        "Primary contact",
        "Contact",
        "Primary",
        "yes or no (also true/false, 1/0, x). A client has one primary contact.",
    ),
    ImportField(
        "together_notes",
        "What we did together",
        "Contact",
        "What we did together",
        "Goodbyes quote it to the client (“working with you on …”): map only text the client may read.",
    ),
    ImportField(
        "private_notes",
        "Private notes",
        "Contact",
        "Private notes",
        "Only for you, never in a message: a Notes column and vCard notes land here. May span several lines.",
    ),
)
FIELD_LABELS = {f.key: f.label for f in FIELDS}
CLIENT_FIELDS = ("company", "status", "start_date", "tags", "client_notes")
CONTACT_DETAIL_FIELDS = (
    "email",
    "phone",
    "other_emails",
    "other_phones",
    "role",
    "preferred_channel",
    "is_primary",
    "together_notes",
    "private_notes",
)


def header_words(header: str) -> str:
    """'E-mail address' -> 'emailaddress': compare headers without case, spaces or punctuation."""
    return re.sub(r"[\W_]+", "", header.casefold())


# Fields one value of which is used and the rest kept: they may be chosen for several columns, and a
# cell may hold several values separated by " ::: " (Google Contacts).
MULTI_VALUE_FIELDS = {"email": "other_emails", "phone": "other_phones"}
MULTI_VALUE_SEPARATOR = ":::"

# Header words -> field, the preferred first: when several columns match one field, the one matched by the
# earlier word wins (Outlook's "Job Title" over its "Title", which is Mr or Ms). The email and phone words
# are the first column of their kind; further ones (E-mail 2, Mobile Phone…) match the patterns below.
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "client_name": ("client", "clientname", "customer", "customername", "account", "accountname"),
    "status": ("status", "clientstatus", "relationshipstatus"),
    "start_date": ("startdate", "clientsince", "since", "started", "startedon", "start"),
    "tags": ("tags", "tag", "labels", "label", "categories", "category", "groups", "groupmembership"),
    "client_notes": ("clientnotes", "companynotes", "accountnotes"),
    "contact_name": ("contact", "contactname", "name", "fullname", "person", "displayname", "contactperson"),
    "first_name": ("firstname", "givenname", "forename"),
    "middle_name": ("middlename", "additionalname", "middlenames"),
    "last_name": ("lastname", "surname", "familyname"),
    "email": (
        "email",
        "emailaddress",
        "mail",
        "email1",
        "emailaddress1",
        "primaryemail",
        "workemail",
        "email1value",
        "emailaddresses",
    ),
    "phone": (
        "phone",
        "telephone",
        "tel",
        "phonenumber",
        "mobile",
        "mobilephone",
        "cell",
        "cellphone",
        "workphone",
        "businessphone",
        "phone1value",
        "telephonenumber",
    ),
    "role": (
        "jobtitle",
        "organizationtitle",
        "organisationtitle",
        "role",
        "roleortitle",
        "position",
        "title",
    ),
    "preferred_channel": ("preferredchannel", "channel", "preferredcontactmethod", "prefers"),
    "is_primary": ("primary", "primarycontact", "isprimary", "maincontact"),
    # A column is mapped to the client-facing text only when it says so; plain "Notes" are private.
    "together_notes": ("whatwedidtogether", "together", "workedon", "projects"),
    "private_notes": ("privatenotes", "notes", "note", "contactnotes", "comments", "remarks"),
    "other_emails": ("otheremails", "otheremailaddresses"),
    "other_phones": ("otherphones", "otherphonenumbers"),
}
# Further email and phone columns: "E-mail 2 - Value", "E-mail 3 Address", "Mobile Phone", "Home Phone 2"…
# (not "E-mail 1 - Label", "E-mail Type" or "Business Fax", which hold no address or number).
_MORE_COLUMNS = {
    "email": re.compile(r"(?:e?mail|emailaddress)\d*(?:value|address)?\d*"),
    "phone": re.compile(
        r"(?:primary|business|work|mobile|cell|home|other|car|companymain)?(?:phone|telephone|tel)\d*"
        r"(?:value|number)?\d*|mobile\d*|cell\d*"
    ),
}
# In which order several phone columns are tried: a work number before a mobile before a home one.
_PHONE_ORDER = ("primary", "business", "work", "companymain", "mobile", "cell", "phone", "tel", "other")
_GUESS = {word: key for key, words in _SYNONYMS.items() for word in words}
# Columns naming an organization: the client when the file has no client column, otherwise its company.
_ORGANIZATION_WORDS = (
    "company",
    "companyname",
    "organization",
    "organisation",
    "organizationname",
    "organisationname",
    "org",
    "business",
    "businessname",
    "employer",
)


def _rank(key: str, words: str) -> int:
    return _SYNONYMS[key].index(words) if words in _SYNONYMS.get(key, ()) else len(_SYNONYMS.get(key, ()))


def guess_mapping(header: Sequence[str], empty: Collection[int] = ()) -> dict[int, str]:
    """Column index -> field key ("" = ignore), from the header names; `empty` columns (empty in every row,
    like Outlook's "Account" beside its "Company") are left out.

    Each field is used at most once, but for email and phone, which take every column of their kind (the
    first value found is used, the rest kept: see MULTI_VALUE_FIELDS).
    """
    words = ["" if index in empty else header_words(name) for index, name in enumerate(header)]
    mapping = {index: _GUESS.get(word, "") for index, word in enumerate(words)}
    for index, word in enumerate(words):
        for key, pattern in _MORE_COLUMNS.items():
            if not mapping[index] and pattern.fullmatch(word):
                mapping[index] = key
    organizations = [index for index, word in enumerate(words) if word in _ORGANIZATION_WORDS]
    if organizations and "client_name" not in mapping.values():
        mapping[organizations.pop(0)] = "client_name"
    for index in organizations:
        mapping[index] = "company"
    best: dict[str, int] = {}
    for index in sorted(mapping):
        key = mapping[index]
        if not key or key in MULTI_VALUE_FIELDS:
            continue
        if key not in best or _rank(key, words[index]) < _rank(key, words[best[key]]):
            best[key] = index
    return {
        index: key if key in MULTI_VALUE_FIELDS or best.get(key) == index else ""
        for index, key in mapping.items()
    }


def value_order(header: Sequence[str], indexes: Sequence[int], key: str) -> list[int]:
    """The columns of a multi-value field in the order their values are tried: phones work numbers first,
    everything else in the file's order."""
    if key != "phone":
        return sorted(indexes)

    def rank(index: int) -> int:
        word = header_words(header[index]) if index < len(header) else ""
        return next((n for n, start in enumerate(_PHONE_ORDER) if word.startswith(start)), len(_PHONE_ORDER))

    return sorted(indexes, key=lambda index: (rank(index), index))


# The column a download of the rows left out adds (services.import_commit), so that file, corrected, is
# the same layout as the one it came from.
WHY_HEADER = "Why not imported"


def header_hash(header: Sequence[str]) -> str:
    """The file layout: a SHA-256 of the header row (names stripped, any case), to remember its mapping."""
    names = [name.strip().casefold() for name in header]
    if names and names[-1] == WHY_HEADER.casefold():
        names.pop()
    return hashlib.sha256("\x1f".join(names).encode()).hexdigest()


def check_mapping(mapping: Mapping[int, str], header: Sequence[str]) -> list[str]:
    """What is wrong with a mapping the user chose, in words; [] when it can be used."""
    errors = []
    columns_of: dict[str, list[int]] = {}
    for index, key in sorted(mapping.items()):
        if key and key not in FIELD_LABELS:
            errors.append(f"Column {index + 1} is mapped to an unknown field.")
        elif key:
            columns_of.setdefault(key, []).append(index)
    for key, indexes in columns_of.items():
        if len(indexes) > 1 and key not in MULTI_VALUE_FIELDS and key not in MULTI_VALUE_FIELDS.values():
            names = " and ".join(column_name(header, index) for index in indexes)
            errors.append(f"{FIELD_LABELS[key]} is chosen for {names}: choose it for one column only.")
    if "client_name" not in columns_of:
        errors.append("Choose the column that holds the client name: every contact belongs to a client.")
    return errors


def column_name(header: Sequence[str], index: int) -> str:
    name = header[index].strip() if index < len(header) else ""
    return f"column {index + 1} “{name}”" if name else f"column {index + 1}"


def mapping_to_json(mapping: Mapping[int, str]) -> dict[str, str]:
    return {str(index): key for index, key in sorted(mapping.items()) if key}


def mapping_from_json(raw: Any) -> dict[int, str]:
    if not isinstance(raw, dict):
        return {}
    return {int(index): str(key) for index, key in raw.items() if str(index).isdigit() and key}
