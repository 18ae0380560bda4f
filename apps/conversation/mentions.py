"""@mentions in a comment's markdown: `@username`, outside code."""

import re

MAX_MENTIONS = 20
# Not after a letter, digit, dot or slash, so e-mail addresses and URLs are not mentions.
_MENTION = re.compile(r"(?<![\w.@/])@([\w.+-]*\w)")
_FENCED = re.compile(r"^(```|~~~).*?^\1", re.S | re.M)
_INLINE_CODE = re.compile(r"`[^`\n]*`")


def mentioned_usernames(body: str) -> list[str]:
    """The usernames mentioned, in order of first mention, each once."""
    text = _INLINE_CODE.sub(" ", _FENCED.sub(" ", body or ""))
    seen: dict[str, str] = {}
    for name in _MENTION.findall(text):
        seen.setdefault(name.lower(), name)
    return list(seen.values())
