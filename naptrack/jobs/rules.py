import rules


@rules.predicate
def started_job(user, job) -> bool:
    return job is not None and job.created_by_id is not None and job.created_by_id == user.pk


@rules.predicate
def holds_job_permission(user, job) -> bool:
    """Holds the permission the job's work needs, on its target (a job without one: anyone)."""
    if job is None:
        return False
    if not job.permission:
        return True
    target = job.target if job.target_id is not None else None
    if job.target_id is not None and target is None:
        return False  # its target is gone: only administrators look into it
    return user.has_perm(job.permission, target)


@rules.predicate
def shared_job(user, job) -> bool:
    return job is not None and job.shared and bool(job.permission)


# A job's page shows what it acts on, how far it got and its error: the person who started it
# sees it (the refusal that ended it too), and so does whoever holds the permission of a shared
# job (a second coordinator pressing Publish is sent to the first one's job); and the
# installation's administrators, who look into failures.
rules.add_perm(
    "jobs.view_job",
    rules.is_authenticated & (rules.is_superuser | started_job | (shared_job & holds_job_permission)),
)
# The file it built holds what the permission guards (a draft report): checked again at every
# download, so that someone who lost it since the build no longer gets the file.
rules.add_perm(
    "jobs.download_job_file",
    rules.is_authenticated & (rules.is_superuser | ((started_job | shared_job) & holds_job_permission)),
)
