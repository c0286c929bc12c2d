"""Background job: rebuild the search index of both libraries (after a dictionary change)."""

from ducha.core.jobs import job_handler
from ducha.enterprises import services as enterprise_services
from ducha.policies import services as policy_services


@job_handler("reindex")
def reindex_job(job, progress) -> dict:
    target = job.params.get("target", "all")
    result = {}
    if target in ("all", "enterprises"):
        result["enterprises"] = enterprise_services.rebuild_index(
            progress=lambda d, t, m="": progress(d, t, f"市场主体:{m}"))
    if target in ("all", "policies"):
        result["policies"] = policy_services.rebuild_index(progress=lambda d, t, m="": progress(d, t, f"政策:{m}"))
    return result
