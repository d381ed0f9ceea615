"""Template filters for the autonomy matrix."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from percorsi.plans import matrix
from percorsi.plans.matrix import DOMAINS, Domain, Scored

register = template.Library()


@register.filter
def domain_scores(assessment: Scored | None) -> list[tuple[Domain, int]]:
    """The domains scored in an assessment, in the matrix's order, with their score."""
    if assessment is None:
        return []
    scores = assessment.scores()
    return [(domain, score) for domain in DOMAINS if (score := scores.get(domain.key)) is not None]


@register.simple_tag
def matrix_svg(chart: matrix.Chart, chart_id: str = "matrix-chart") -> SafeString:
    """The autonomy matrix's chart as an SVG (plans.matrix.svg)."""
    return matrix.svg(chart, chart_id)
