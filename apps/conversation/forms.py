from django import forms

from apps.conversation.models import COMMENT_MAX_LENGTH


class CommentForm(forms.Form):
    # The limit is the service's; a little slack here so that its message (with the count) is the one shown.
    body = forms.CharField(
        label="Comment",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=COMMENT_MAX_LENGTH * 2,
        help_text="Markdown. Mention someone with @ and their username.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
