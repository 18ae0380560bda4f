"""The board layouts a retrospective can start from, and the squad health
check's default dimensions. A product adds its own layouts (RetroFormat)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Format:
    key: str
    name: str
    columns: tuple[tuple[str, str], ...]  # (title, prompt)


BUILT_IN: dict[str, Format] = {
    f.key: f
    for f in (
        Format(
            "start-stop-continue",
            "Start / Stop / Continue",
            (
                ("Start", "What should we begin doing?"),
                ("Stop", "What is not helping us?"),
                ("Continue", "What works and should stay?"),
            ),
        ),
        Format(
            "mad-sad-glad",
            "Mad / Sad / Glad",
            (
                ("Mad", "What frustrated you?"),
                ("Sad", "What disappointed you?"),
                ("Glad", "What made you happy?"),
            ),
        ),
        Format(
            "4ls",
            "4Ls",
            (
                ("Liked", "What did you enjoy?"),
                ("Learned", "What did you learn?"),
                ("Lacked", "What was missing?"),
                ("Longed for", "What did you wish for?"),
            ),
        ),
        Format(
            "sailboat",
            "Sailboat",
            (
                ("Wind", "What pushed us forward?"),
                ("Anchors", "What held us back?"),
                ("Rocks", "What risks lie ahead?"),
                ("Island", "Where do we want to get to?"),
            ),
        ),
    )
}
DEFAULT_FORMAT = "start-stop-continue"
CUSTOM_PREFIX = "custom-"
MAX_COLUMNS = 8

# In the spirit of the squad health check: (name, what green looks like, what red looks like).
DEFAULT_DIMENSIONS: list[tuple[str, str, str]] = [
    ("Delivering value", "We deliver great stuff and our users are happy.", "We deliver rubbish nobody needs."),
    (
        "Easy to release",
        "Releasing a model or a change is simple, safe and mostly automated.",
        "Releasing is risky, painful and slow.",
    ),
    ("Fun", "We love going to work and have great fun together.", "Boooooring."),
    (
        "Health of code and data",
        "Our code and data are clean, tested and easy to trust.",
        "Our code and pipelines are a pile of debt.",
    ),
    ("Learning", "We learn lots of interesting stuff all the time.", "We never have time to learn anything."),
    ("Mission", "We know exactly why we are here and we are excited about it.", "We have no idea why we are here."),
    (
        "Pawns or players",
        "We are in control of our destiny; we decide what to build and how.",
        "We are pawns in a game of chess.",
    ),
    (
        "Speed",
        "We get stuff done really quickly; no waiting, no delays.",
        "We never seem to get done with anything; we keep waiting.",
    ),
    (
        "Support",
        "We always get great support and help when we ask for it.",
        "We keep getting stuck because we cannot get help.",
    ),
    (
        "Teamwork",
        "We are a totally gelled super-team with awesome collaboration.",
        "We are a bunch of individuals who do not care about each other.",
    ),
]
