from django.urls import path

from . import views

app_name = "courses"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("courses/<int:course_id>/enroll/", views.enroll, name="enroll"),
    path("lessons/<int:lesson_id>/progress/", views.lesson_progress, name="lesson_progress"),
    path("lessons/<int:lesson_id>/done/", views.lesson_done, name="lesson_done"),
    path("lessons/<int:lesson_id>/video/", views.lesson_video, name="lesson_video"),
    path("courses/<int:course_id>/exam/", views.exam_overview, name="exam"),
    path("attempts/<int:attempt_id>/", views.attempt_page, name="attempt"),
    path("attempts/<int:attempt_id>/autosave/", views.attempt_autosave, name="attempt_autosave"),
    path("attempts/<int:attempt_id>/result/", views.attempt_result, name="attempt_result"),
]
