"""The timetable's background tasks, registered with the app's job queue (festival.extensions.job_queue)."""

from __future__ import annotations

from festival.extensions import job_queue
from festival.schedule import parts, shorts
from festival.schedule.runs import SOLVE_RUN, execute_run, reap_stale_runs


@job_queue.task(SOLVE_RUN)
def solve_run(run_id: int) -> None:
    """Run the solver for one SolveRun (its state and result are written to the database)."""
    execute_run(run_id)


@job_queue.task(parts.PART_TASK)
def solve_run_part(run_id: int, index: int, time_limit: float) -> None:
    """Solve one part of a run fanned out over the queue (festival.schedule.parts)."""
    parts.solve_part_task(run_id, index, time_limit)


@job_queue.task(shorts.PROPOSE_TASK)
def propose_shorts(proposal_id: int) -> None:
    """Make one ShortsProposal's programmes (its state and result are written to the database)."""
    shorts.execute_proposal(proposal_id)


# A worker that starts marks failed the runs and proposals a dead worker left running.
job_queue.on_worker_start(reap_stale_runs)
job_queue.on_worker_start(shorts.reap_stale_proposals)
