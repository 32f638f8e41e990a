"""Readable names for the codes stored on audit events (presentation only).

Events keep stable English codes ("role.grant") that scripts filter on; pages
show a translated name next to them. Codes without a name here (added later by
other apps) are shown as they are.
"""

from django import template
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

register = template.Library()

ACTIONS = {
    "unit.create": _("Unit created"),
    "unit.update": _("Unit changed"),
    "unit.move": _("Unit moved"),
    "unit.merge": _("Units merged"),
    "unit.deactivate": _("Unit deactivated"),
    "unit.load_map": _("Administrative map loaded"),
    "person.create": _("Person added"),
    "person.update": _("Person's details changed"),
    "person.move": _("Person moved to another unit"),
    "person.membership.add": _("Person added to a unit"),
    "person.membership.end": _("Membership ended"),
    "roster.import": _("Roster imported"),
    "user.create": _("Account created"),
    "user.deactivate": _("Account deactivated"),
    "user.reactivate": _("Account reactivated"),
    "user.password_change": _("Password changed"),
    "user.password_reset": _("New password set"),
    "role.grant": _("Role granted"),
    "role.revoke": _("Role revoked"),
    "token.create": _("API token created"),
    "token.revoke": _("API token revoked"),
}

TARGET_TYPES = {
    "unit": pgettext_lazy("audit target", "unit"),
    "person": pgettext_lazy("audit target", "person"),
    "user": pgettext_lazy("audit target", "account"),
    "api_token": pgettext_lazy("audit target", "API token"),
    "import": pgettext_lazy("audit target", "import"),
}


@register.filter
def action_label(code: str) -> str:
    return ACTIONS.get(code, code)


@register.filter
def target_type_label(code: str) -> str:
    return TARGET_TYPES.get(code, code)


@register.filter
def actor_label(name: str) -> str:
    # record_event writes "system" for changes made by commands and background tasks.
    return pgettext_lazy("audit actor", "system") if name == "system" else name


@register.simple_tag
def known_actions() -> list[tuple[str, str]]:
    return sorted(ACTIONS.items())
