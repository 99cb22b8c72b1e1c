from .events import events_index, upcoming_for


def upcoming_events_panel(user):
    """ "Upcoming events" on My learning: the person's seats and waiting-list places."""
    return {
        "template": "alumni/events/dashboard_panel.html",
        "registrations": list(upcoming_for(user)[:5]),
        "events_index": events_index(),
    }
