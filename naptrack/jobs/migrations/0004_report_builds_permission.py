"""Report builds queued before jobs carried a permission (0003) get the one their file needs now,
so that their file is downloaded only while it holds (jobs/rules.py), as for later builds."""

from django.db import migrations


def forwards(apps, schema_editor):
    Job = apps.get_model("jobs", "Job")
    ContentType = apps.get_model("contenttypes", "ContentType")
    builds = Job.objects.filter(handler="naptrack.publications.jobs.report_build_job", permission="")
    if not builds.exists():
        return
    round_type, _ = ContentType.objects.get_or_create(app_label="reporting", model="round")
    for job in builds:
        draft = bool(job.arguments.get("draft"))
        job.permission = "reporting.view_all_contributions" if draft else "reporting.view_round"
        job.target_type_id = round_type.pk
        job.target_id = job.arguments.get("round")
        job.save(update_fields=["permission", "target_type", "target_id"])


class Migration(migrations.Migration):
    dependencies = [("jobs", "0003_followers"), ("contenttypes", "0002_remove_content_type_name")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
