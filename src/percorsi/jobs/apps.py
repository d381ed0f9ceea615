from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "percorsi.jobs"
    label = "jobs"
    verbose_name = _("Job desk")

    def ready(self) -> None:
        from percorsi.core import audit_labels, demo
        from percorsi.jobs.demo import create_demo_jobs
        from percorsi.jobs.models import (
            CV,
            Application,
            CVVersion,
            Placement,
            Qualification,
            RecognitionProcedure,
            RecognitionStep,
            TrainingEnrolment,
        )
        from percorsi.jobs.selectors import case_file_panel, timeline_events
        from percorsi.people.selectors import CASE_FILE_PANELS, TIMELINE_SOURCES
        from percorsi.people.services import register_person_records

        demo.register("jobs", lambda site: create_demo_jobs(site=site))
        CASE_FILE_PANELS.append(case_file_panel)
        TIMELINE_SOURCES.append(timeline_events)
        # A transfer moves the person's desk records to the new site; a merge moves them to the kept
        # record (the CV stays with its record: one CV a person).
        register_person_records(
            transferred=[
                (CV, "person"),
                (CVVersion, "cv__person"),
                (Application, "person"),
                (Placement, "person"),
                (TrainingEnrolment, "person"),
                (Qualification, "person"),
                (RecognitionProcedure, "person"),
                (RecognitionStep, "procedure__person"),
            ],
            merged=[Application, Placement, TrainingEnrolment, Qualification, RecognitionProcedure],
        )
        audit_labels.register(
            {
                "jobs.desk.viewed": _("Job desk consulted"),
                "jobs.person.viewed": _("A person's work at the job desk consulted"),
                "jobs.employer.created": _("Employer added"),
                "jobs.employer.updated": _("Employer changed"),
                "jobs.employer.accessed": _("Another site's employer requested"),
                "jobs.offer.created": _("Job offer entered"),
                "jobs.offer.updated": _("Job offer changed"),
                "jobs.offer.matched": _("People who fit a job offer consulted"),
                "jobs.offer.accessed": _("Another site's job offer requested"),
                "jobs.application.created": _("Application recorded"),
                "jobs.application.updated": _("Application changed"),
                "jobs.application.viewed": _("Application consulted"),
                "jobs.application.accessed": _("Another site's application requested"),
                "jobs.placement.created": _("Placement recorded"),
                "jobs.placement.updated": _("Placement changed"),
                "jobs.placement.accessed": _("Another site's placement requested"),
                "jobs.cv.saved": _("CV saved"),
            }
        )
