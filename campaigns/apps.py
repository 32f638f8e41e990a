from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("Campaigns")

    def ready(self):
        from campaigns import learning_bridge
        from people.signals import person_moved

        learning_bridge.connect_signals()
        person_moved.connect(_follow_person_move, dispatch_uid="campaigns.follow_person_move")


def _follow_person_move(sender, *, person, from_unit, to_unit, actor, **kwargs):
    # Open campaigns count people where they work now; a move in the registry
    # carries them along (keeping their history) instead of waiting for a refresh.
    from campaigns.actions import follow_person_move

    follow_person_move(person=person, from_unit=from_unit, to_unit=to_unit, actor=actor)
