from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "percorsi.people"
    label = "people"
    verbose_name = _("People")

    def ready(self) -> None:
        from percorsi.core import audit_labels, demo
        from percorsi.core.selectors import HOME_FIGURES
        from percorsi.people.demo import create_demo_people
        from percorsi.people.selectors import home_figures

        HOME_FIGURES.append(home_figures)
        demo.register("people", lambda site: create_demo_people(site=site))
        audit_labels.register(
            {
                "people.alerts.viewed": _("Expiring permits and documents consulted"),
                "people.consent.withdrawn": _("Consent withdrawn"),
                "people.document.added": _("Document recorded"),
                "people.document.corrected": _("Mistake corrected in a document"),
                "people.document.downloaded": _("Document scan opened"),
                "people.document.removed": _("Document recorded by mistake removed, with its scan"),
                "people.document.replaced": _("Document marked as no longer current"),
                "people.duplicates.checked": _("Duplicates looked for"),
                "people.duplicates.shown": _("Possible duplicates shown at intake"),
                "people.household.linked": _("Relative linked"),
                "people.language.removed": _("Language removed"),
                "people.language.saved": _("Language recorded"),
                "people.legal_status.added": _("Legal status recorded"),
                "people.legal_status.corrected": _("Mistake corrected in a legal status entry"),
                "people.legal_status.removed": _("Legal status entry recorded by mistake removed"),
                "people.note.added": _("Confidential note added"),
                "people.person.accessed": _("Another site's person requested"),
                "people.person.created": _("Case opened"),
                "people.person.deleted": _("Record deleted"),
                "people.person.history_viewed": _("History of a record consulted"),
                "people.person.listed": _("List of people consulted"),
                "people.person.exported": _("List of people exported to a spreadsheet"),
                "people.person.restored": _("Record restored"),
                "people.person.status_changed": _("Case status changed"),
                "people.person.transferred": _("Case transferred to another site"),
                "people.person.updated": _("Record changed"),
                "people.person.viewed": _("Case file consulted"),
                "people.person.timeline_viewed": _("Timeline of a case consulted"),
                "people.privacy_notice.added": _("Privacy notice and consents recorded"),
                "people.person.merged": _("Records merged"),
                "people.duplicates.coordinators_asked": _(
                    "Coordinators asked to check matches at other sites"
                ),
                "people.person.merge_undone": _("Merge undone"),
                "people.merge.compared": _("Two records compared for a merge"),
                "people.merge.listed": _("List of merges consulted"),
                "people.merge.accessed": _("Another site's merge requested"),
            }
        )
