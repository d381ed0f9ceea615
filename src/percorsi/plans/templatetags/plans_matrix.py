"""Template filters for the autonomy matrix."""

from __future__ import annotations

from django import template

from percorsi.plans.matrix import DOMAINS, Domain, Scored

register = template.Library()


@register.filter
def domain_scores(assessment: Scored | None) -> list[tuple[Domain, int]]:
    """The domains scored in an assessment, in the matrix's order, with their score."""
    if assessment is None:
        return []
    scores = assessment.scores()
    return [(domain, score) for domain in DOMAINS if (score := scores.get(domain.key)) is not None]
