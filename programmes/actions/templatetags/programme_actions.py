"""``{% goal_action goal as action %}``: the action a goal is based on, for the goal pages
whose views do not join it (partners' and follow-up pages): all of the programme's actions
are read once per request (titles only), however many goals the page shows."""

from django import template

from programmes.actions.models import ProgrammeAction
from programmes.partners.models import Goal

register = template.Library()

_MEMO = "_programme_actions_by_id"


@register.simple_tag(takes_context=True)
def goal_action(context: template.Context, goal: Goal) -> ProgrammeAction | None:
    if not getattr(goal, "action_id", None):
        return None
    if Goal.action.is_cached(goal):
        return goal.action
    request = context.get("request")
    actions = getattr(request, _MEMO, None)
    if actions is None:
        actions = {
            action.pk: action
            for action in ProgrammeAction.objects.only("id", "title", "active", "theme")
        }
        if request is not None:
            setattr(request, _MEMO, actions)
    return actions.get(goal.action_id)
