"""`goodterms worker`: runs every app's jobs in one loop until stopped (goodterms.common.jobloop).

The table of jobs is each app's JOBS, in order; a job's interval is the pause after a pass that found
nothing. The worker records a beat every WORKER_BEAT_SECONDS, so the pages can say when it has stopped.
"""

from __future__ import annotations

import time

from goodterms.common.jobloop import Job, run_jobs


def job_table() -> tuple[Job, ...]:
    from goodterms.accounts import jobs as account_jobs
    from goodterms.aftercare import jobs as aftercare_jobs
    from goodterms.clients import jobs as client_jobs
    from goodterms.exits import jobs as exit_jobs
    from goodterms.messaging import jobs as messaging_jobs
    from goodterms.survey import jobs as survey_jobs

    return (
        *messaging_jobs.JOBS,
        *exit_jobs.JOBS,
        *client_jobs.JOBS,
        *account_jobs.JOBS,
        *survey_jobs.JOBS,
        *aftercare_jobs.JOBS,
    )


def main(*, once: bool = False) -> int:
    from goodterms.accounts import selectors, services
    from goodterms.messaging.jobs import worker_id

    last = {"at": float("-inf")}

    def beat() -> None:
        if time.monotonic() - last["at"] >= selectors.WORKER_BEAT_SECONDS:
            services.worker_beat(worker=worker_id())
            last["at"] = time.monotonic()

    run_jobs(job_table(), once=once, beat=beat)
    return 0
