from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "percorsi.plans"
    label = "plans"
    verbose_name = _("Plans")

    def ready(self) -> None:
        from percorsi.core import audit_labels, demo
        from percorsi.people.selectors import CASE_FILE_PANELS, TIMELINE_KINDS, TIMELINE_SOURCES
        from percorsi.people.services import register_person_records
        from percorsi.plans.demo import create_demo_plans
        from percorsi.plans.models import (
            Appointment,
            AutonomyAssessment,
            Goal,
            Intervention,
            Notification,
            Phase,
            Plan,
            Review,
            Task,
        )
        from percorsi.plans.selectors import (
            autonomy_panel,
            both_have_an_active_plan,
            case_file_panel,
            review_events,
            timeline_events,
        )

        demo.register("plans", lambda site: create_demo_plans(site=site))
        CASE_FILE_PANELS.append(case_file_panel)
        TIMELINE_SOURCES.append(timeline_events)
        CASE_FILE_PANELS.append(autonomy_panel)
        TIMELINE_SOURCES.append(review_events)
        TIMELINE_KINDS.update(
            {
                "plan": _("plan"),
                "goal": _("goals"),
                "review": _("reviews"),
                "assessment": _("autonomy matrix"),
                "intervention": _("interventions"),
                "appointment": _("appointments"),
            }
        )

        register_person_records(
            transferred=[
                (Plan, "person"),
                (Phase, "plan__person"),
                (Goal, "plan__person"),
                (Review, "plan__person"),
                (AutonomyAssessment, "person"),
                (Intervention, "person"),
                (Appointment, "person"),
                (Task, "person"),
                (Notification, "person"),
            ],
            merged=[Plan, AutonomyAssessment, Intervention, Appointment, Task, Notification],
            merge_check=both_have_an_active_plan,
        )

        audit_labels.register(
            {
                "plans.template.created": _("Plan template created"),
                "plans.template.updated": _("Plan template changed"),
                "plans.template.accessed": _("Another site's plan template requested"),
                "plans.plan.created": _("Plan started"),
                "plans.plan.viewed": _("Plan consulted"),
                "plans.plan.document_downloaded": _("Plan document (PDF) downloaded"),
                "plans.reminders.sent": _("Daily reminders made and e-mailed"),
                "plans.notifications.viewed": _("Reminders consulted"),
                "plans.notifications.read": _("Reminders marked as read"),
                "plans.plan.listed": _("A person's plans consulted"),
                "plans.plan.accessed": _("Another site's plan requested"),
                "plans.goal.accessed": _("Another site's goal requested"),
                "plans.phase.accessed": _("Another site's phase requested"),
                "plans.plan.updated": _("Plan changed"),
                "plans.plan.closed": _("Plan closed"),
                "plans.phase.saved": _("Plan phase saved"),
                "plans.goal.added": _("Goal added"),
                "plans.goal.updated": _("Goal changed"),
                # Reviews, the person's agreement and the autonomy matrix
                "plans.review.added": _("Review with the person recorded"),
                "plans.review.downloaded": _("Signed review document downloaded"),
                "plans.plan.agreed": _("Person's agreement to the plan recorded"),
                "plans.agreement.downloaded": _("Signed plan downloaded"),
                "plans.assessment.added": _("Autonomy assessment recorded"),
                "plans.matrix.viewed": _("Autonomy matrix consulted"),
            }
        )

        # Interventions (issue 4, item 5): the case file's panel and timeline, the audit labels.
        from percorsi.plans.selectors import intervention_events, interventions_panel

        CASE_FILE_PANELS.append(interventions_panel)
        TIMELINE_SOURCES.append(intervention_events)
        audit_labels.register(
            {
                "plans.intervention.added": _("Intervention recorded"),
                "plans.intervention.updated": _("Intervention corrected"),
                "plans.intervention.removed": _("Intervention removed (recorded by mistake)"),
                "plans.intervention.listed": _("List of interventions consulted"),
                "plans.intervention.exported": _("Interventions exported to a spreadsheet"),
                "plans.intervention.accessed": _("Another site's intervention requested"),
            }
        )

        # Appointments, tasks and "my work" (issue 4, item 6): the case file's panel and timeline,
        # the home page's figures, the audit labels.
        from percorsi.core.selectors import HOME_FIGURES
        from percorsi.plans.selectors import appointment_events, appointments_panel, my_work_figures

        CASE_FILE_PANELS.append(appointments_panel)
        TIMELINE_SOURCES.append(appointment_events)
        HOME_FIGURES.append(my_work_figures)
        audit_labels.register(
            {
                "plans.appointment.booked": _("Appointment booked"),
                "plans.appointment.walk_in": _("Walk-in at the desk recorded"),
                "plans.appointment.updated": _("Appointment changed"),
                "plans.appointment.status_changed": _("Appointment marked held, missed or cancelled"),
                "plans.appointment.accessed": _("Another site's appointment requested"),
                "plans.calendar.viewed": _("Calendar of appointments consulted"),
                "plans.task.added": _("Task added"),
                "plans.task.updated": _("Task changed"),
                "plans.task.done": _("Task done"),
                "plans.task.reopened": _("Task opened again"),
                "plans.task.listed": _("List of tasks consulted"),
                "plans.task.accessed": _("Another site's task requested"),
                "plans.my_work.viewed": _("“My work” page consulted"),
            }
        )
