"""What the survey's member pages post: the organization's questions, as lines."""

from __future__ import annotations

from django import forms

from goodterms.survey import questions


class QuestionsForm(forms.Form):
    lines = forms.CharField(
        label="Questions, one per line",
        widget=forms.Textarea(attrs={"rows": 9}),
        max_length=5000,
        help_text=(
            "Start each line with its kind and a colon: text, rating (1 to 5), score (0 to 10, would you "
            "recommend us), choice (options after “|”), or quote (free text people may let you quote). "
            f"At most {questions.MAX_QUESTIONS}."
        ),
    )
