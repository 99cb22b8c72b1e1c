from django.urls import path

from . import views_events as views

app_name = "alumni_events"

urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.my_events, name="mine"),
    path("new/", views.new_event, name="new"),
    path("time-zone/", views.set_time_zone, name="time_zone"),
    path("feed/regenerate/", views.regenerate_feed, name="regenerate_feed"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
    path("check-in/<str:token>/", views.check_in, name="check_in"),
    path("<int:pk>/register/", views.register, name="register"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/event.ics", views.event_ics, name="ics"),
    path("<int:pk>/questions/", views.questions, name="questions"),
    path("<int:pk>/questions/ask/", views.ask, name="ask"),
    path("questions/<int:pk>/vote/", views.vote, name="vote"),
    path("questions/<int:pk>/answer/", views.answer, name="answer"),
    path("questions/<int:pk>/hide/", views.hide, name="hide"),
]
