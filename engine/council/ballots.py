"""Casting ballots into a case's ballot box, so that a secret vote can be counted but never traced.

A ballot task is a user task with the `ballotBox` property (an expression giving the box id, e.g.
`ma_phien_hop`) and optionally `secretBallot` (an expression, default true). Its task data holds the
nominations (`de_nghi`) and the voter (`phieu`: {"username", "ho_ten", "vang_mat"}: the member whose
vote it is; an absent member's written vote is entered by the secretary). Its form (`phieu_bau`) gives
one choice per nomination in `bieu_quyet` rows ({"ma", "lua_chon"}), an optional comment `gop_y`, and
`khong_co_phieu` when an absent member sent no written vote.

What is kept: the box row holds the sorted usernames of those who have voted (so nobody votes twice)
and the ballots, each only {nomination code: choice} and the comment, inserted at a random position,
with no voter, time, order or "written" mark. For a secret ballot the task data gets only
`da_bo_phieu: true`, so neither the case state, the task API, the case page nor the audit trail
(which lists field names, never values) can tie a choice to a member. An open ballot also keeps the
member's choices in the task data, as an open vote is recorded by name.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from engine.council.rules import VOTES, count_ballots
from engine.definitions.conventions import task_ballot_box_expression, task_secret_ballot_expression
from engine.errors import Conflict, InvalidInput
from engine.models import BallotBox
from engine.scripting import ScriptError, evaluate_expression

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from engine.runtime.context import ActionContext

NOMINATIONS = "de_nghi"
VOTER = "phieu"
ROWS = "bieu_quyet"
CHOICE = "lua_chon"
COMMENT = "gop_y"
NO_BALLOT = "khong_co_phieu"
CAST = "da_bo_phieu"
MAX_COMMENT = 2000


def is_ballot(task_spec: Any) -> bool:
    return task_ballot_box_expression(task_spec) is not None


def _evaluate(expression: str, data: dict[str, Any], what: str) -> Any:
    try:
        return evaluate_expression(expression, dict(data))
    except ScriptError as exc:
        raise Conflict(f"the ballot's {what} {expression!r} could not be computed: {exc.message}") from None


def box_of(session: Session, instance_id: int, box: str, *, secret: bool = True, create: bool = False
           ) -> BallotBox | None:
    found = session.scalar(select(BallotBox).where(BallotBox.instance_id == instance_id, BallotBox.box == box))
    if found is None and create:
        found = BallotBox(instance_id=instance_id, box=box, secret=secret, voters=[], ballots=[])
        session.add(found)
        try:
            session.flush()
        except IntegrityError:  # the first two ballots at once: the action is retried, and finds the box
            raise StaleDataError(f"ballot box {box} was opened by another ballot at the same time") from None
    return found


def _choices(rows: Any, codes: list[str]) -> dict[str, str]:
    if not isinstance(rows, list):
        raise InvalidInput("the ballot needs one choice per nomination", field=ROWS)
    choices: dict[str, str] = {}
    for index, row in enumerate(rows):
        code = row.get("ma") if isinstance(row, dict) else None
        choice = row.get(CHOICE) if isinstance(row, dict) else None
        if code not in codes:
            raise InvalidInput(f"row {index + 1}: {code!r} is not a nomination of this meeting", field=ROWS)
        if code in choices:
            raise InvalidInput(f"row {index + 1}: nomination {code} appears twice", field=ROWS)
        if choice not in VOTES:
            raise InvalidInput(f"row {index + 1}: choose “tán thành” or “không tán thành” for {code}",
                               field=f"{ROWS}.{index}.{CHOICE}")
        choices[code] = choice
    missing = [c for c in codes if c not in choices]
    if missing:
        raise InvalidInput(f"no choice for nomination(s) {', '.join(missing)}", field=ROWS)
    return choices


def cast_ballot(ctx: ActionContext, task: Any, values: dict[str, Any]) -> dict[str, Any]:
    """Put the validated form `values` of ballot task `task` into its box; the task data to keep."""
    data = task.data
    box_id = str(_evaluate(task_ballot_box_expression(task.task_spec) or "", data, "ballotBox"))
    secret_expression = task_secret_ballot_expression(task.task_spec)
    secret = bool(_evaluate(secret_expression, data, "secretBallot")) if secret_expression else True
    voter = data.get(VOTER) if isinstance(data.get(VOTER), dict) else {}
    username = voter.get("username")
    if not isinstance(username, str) or not username:
        raise Conflict(f"this ballot task names no voter ({VOTER!r} in its data)")
    codes = [str(n.get("ma")) for n in data.get(NOMINATIONS) or [] if isinstance(n, dict)]
    box = box_of(ctx.session, ctx.instance.id, box_id, secret=secret, create=True)
    assert box is not None
    if username in box.voters:
        raise Conflict(f"{username} has already voted in this meeting")
    comment = values.get(COMMENT)
    if comment is not None and (not isinstance(comment, str) or len(comment) > MAX_COMMENT):
        raise InvalidInput(f"the comment must be a text of at most {MAX_COMMENT} characters", field=COMMENT)
    if values.get(NO_BALLOT) is True:
        if not voter.get("vang_mat"):
            raise InvalidInput("only an absent member can have no written vote", field=NO_BALLOT)
        kept: dict[str, Any] = {CAST: False, NO_BALLOT: True}
    else:
        choices = _choices(values.get(ROWS), codes)
        ballot = {"phieu": choices, COMMENT: (comment or "").strip() or None}
        ballots = list(box.ballots)
        ballots.insert(secrets.randbelow(len(ballots) + 1), ballot)
        box.ballots = ballots
        kept = {CAST: True} if secret else {CAST: True, ROWS: values.get(ROWS), COMMENT: ballot[COMMENT]}
    box.voters = sorted({*box.voters, username})
    ctx.session.flush()
    return kept


def tally(session: Session, instance_id: int, box_id: str, codes: list[str]) -> dict[str, Any]:
    """Counts of the box: yes/no per nomination, ballots cast, who voted (not how), comments shuffled."""
    box = box_of(session, instance_id, box_id)
    ballots = box.ballots if box else []
    counts = count_ballots((b["phieu"] for b in ballots), codes)
    comments = [b[COMMENT] for b in ballots if b.get(COMMENT)]
    return {"counts": {code: {"tan_thanh": c.yes, "khong_tan_thanh": c.no} for code, c in counts.items()},
            "so_phieu": len(ballots), "da_bo_phieu": list(box.voters) if box else [], "gop_y": sorted(comments)}
