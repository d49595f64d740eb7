import rules


@rules.predicate
def started_job(user, job) -> bool:
    return job is not None and job.created_by_id is not None and job.created_by_id == user.pk


# A job's page shows what it acts on and its error: the person who started it sees it, and the
# installation's administrators, who look into failures.
rules.add_perm("jobs.view_job", rules.is_authenticated & (started_job | rules.is_superuser))
