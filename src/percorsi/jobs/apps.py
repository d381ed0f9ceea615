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
        from percorsi.people.selectors import CASE_FILE_PANELS, TIMELINE_KINDS, TIMELINE_SOURCES
        from percorsi.people.services import register_person_records

        demo.register("jobs", lambda site: create_demo_jobs(site=site))
        CASE_FILE_PANELS.append(case_file_panel)
        TIMELINE_SOURCES.append(timeline_events)
        TIMELINE_KINDS.update(
            {
                "work": _("work"),
                "application": _("job applications"),
                "training": _("training courses"),
                "recognition": _("recognition of qualifications"),
            }
        )
        # A transfer moves the person's desk records to the new site; a merge moves them to the kept
        # record. One CV a person: the absorbed record's CV (with its versions) moves only when the
        # kept record has none; otherwise it stays with the absorbed record, and an undone merge
        # finds it there. ("site_id" is the same for both CVs: a merge is within one site.)
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
            merged=[
                (CV, ("site_id",)),
                (Application, ("offer_id",)),
                Placement,
                (TrainingEnrolment, ("training_id",)),
                Qualification,
                RecognitionProcedure,
            ],
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
                "jobs.cv.viewed": _("CV consulted"),
                "jobs.cv.downloaded": _("CV downloaded (PDF, Word or Europass)"),
            }
        )
        # The training catalogue and enrolments: their audit labels, the case file's timeline and
        # the plan's goals (plans may not import jobs: it reads them through its registry).
        from percorsi.jobs import training
        from percorsi.plans.selectors import GOAL_NOTES

        TIMELINE_SOURCES.append(training.timeline_events)
        GOAL_NOTES.append(training.goal_notes)
        audit_labels.register(
            {
                "jobs.training.created": _("Training added to the catalogue"),
                "jobs.training.updated": _("Training changed"),
                "jobs.training.accessed": _("Another site's training requested"),
                "jobs.training.people_searched": _("People searched to suggest a training"),
                "jobs.training.suggested": _("Training suggested to a person"),
                "jobs.training.enrolment_updated": _("Status of a person's training changed"),
                "jobs.training.enrolment_viewed": _("A person's training consulted"),
                "jobs.training.enrolment_accessed": _("Another site's training enrolment requested"),
            }
        )
        # Qualifications and their recognition: audit labels, the case file's timeline, and the
        # reminder of a procedure with no change for 30 days (plans reads it through its registry).
        from percorsi.jobs import recognition
        from percorsi.plans.choices import NotificationKind
        from percorsi.plans.reminders import REMINDER_SOURCES
        from percorsi.plans.selectors import REMINDER_LINES

        TIMELINE_SOURCES.append(recognition.timeline_events)
        REMINDER_SOURCES.append(recognition.stalled_reminders)
        REMINDER_LINES[NotificationKind.RECOGNITION_STALLED] = recognition.stalled_line
        audit_labels.register(
            {
                "jobs.qualification.created": _("Qualification added"),
                "jobs.qualification.updated": _("Qualification changed"),
                "jobs.qualification.accessed": _("Another site's qualification requested"),
                "jobs.recognition.started": _("Recognition procedure started"),
                "jobs.recognition.updated": _("Recognition procedure changed"),
                "jobs.recognition.closed": _("Outcome of a recognition procedure recorded"),
                "jobs.recognition.viewed": _("Recognition procedure consulted"),
                "jobs.recognition.listed": _("Open recognition procedures consulted"),
                "jobs.recognition.accessed": _("Another site's recognition procedure requested"),
                "jobs.recognition.step_added": _("Step added to a recognition procedure"),
                "jobs.recognition.step_updated": _("Step of a recognition procedure changed"),
                "jobs.recognition.step_removed": _("Step of a recognition procedure removed"),
            }
        )
