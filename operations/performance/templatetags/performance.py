"""Panels the PPP pages include: the officials' performance panel and the public latest score."""

from __future__ import annotations

from django import template

from operations.performance import selectors

register = template.Library()


@register.inclusion_tag("performance/_panel_body.html", takes_context=True)
def performance_panel(context, project):
    return {
        "project": project,
        "history": selectors.score_history(project),
        "latest": selectors.evaluations_visible(context["request"].user).filter(project=project).first(),
        "published": selectors.latest_published(project),
    }


@register.inclusion_tag("performance/_public_score.html")
def performance_public_score(project):
    return {"project": project, "published": selectors.latest_published(project)}
