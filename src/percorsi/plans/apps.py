from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "percorsi.plans"
    label = "plans"
    verbose_name = _("Plans")

    def ready(self) -> None:
        from percorsi.core import audit_labels
        from percorsi.people.selectors import CASE_FILE_PANELS, TIMELINE_SOURCES
        from percorsi.people.services import register_person_records
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
        from percorsi.plans.selectors import both_have_an_active_plan, case_file_panel, timeline_events

        CASE_FILE_PANELS.append(case_file_panel)
        TIMELINE_SOURCES.append(timeline_events)

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
                "plans.plan.created": _("Plan started"),
                "plans.plan.viewed": _("Plan consulted"),
                "plans.plan.listed": _("A person's plans consulted"),
                "plans.plan.accessed": _("Another site's plan requested"),
                "plans.goal.accessed": _("Another site's goal requested"),
                "plans.phase.accessed": _("Another site's phase requested"),
                "plans.plan.updated": _("Plan changed"),
                "plans.plan.closed": _("Plan closed"),
                "plans.phase.saved": _("Plan phase saved"),
                "plans.goal.added": _("Goal added"),
                "plans.goal.updated": _("Goal changed"),
            }
        )
