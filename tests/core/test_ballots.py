import pytest
from cryptography.exceptions import InvalidTag
from django.db import connection

from apps.core import ballots
from apps.core.models import SealedBallot


def test_a_released_box_gives_every_answer_once_and_is_empty_afterwards(db):
    for n in range(30):
        ballots.seal(box="survey-round:1", answer={"n": n})
    ballots.seal(box="survey-round:2", answer={"n": 99})

    released = ballots.release("survey-round:1")

    assert sorted(answer["n"] for answer in released) == list(range(30))
    assert ballots.release("survey-round:1") == []
    assert ballots.sealed_count("survey-round:2") == 1


def test_released_answers_do_not_come_back_in_the_order_they_were_given(db):
    for n in range(30):
        ballots.seal(box="b", answer={"n": n})
    # 30! orders: the chance that a fair shuffle returns the given order is nil.
    assert [answer["n"] for answer in ballots.release("b")] != list(range(30))


def test_a_database_reader_finds_neither_the_answer_nor_a_time_in_a_sealed_ballot(db):
    ballots.seal(box="b", answer={"liked": "the onboarding guide"})
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM core_sealedballot")
        (row,) = cursor.fetchall()
    stored = b"".join(bytes(value) if isinstance(value, bytes | memoryview) else str(value).encode() for value in row)
    assert b"onboarding" not in stored
    assert {field.name for field in SealedBallot._meta.fields} == {"id", "box", "sealed"}


def test_a_ballot_moved_to_another_box_cannot_be_opened(db):
    ballots.seal(box="a", answer={"n": 1})
    SealedBallot.objects.update(box="b")
    with pytest.raises(InvalidTag):  # the box name is authenticated with the answer
        ballots.release("b")
