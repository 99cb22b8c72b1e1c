from django.urls import path

from . import views

app_name = "certificates"
urlpatterns = [
    path("verify/", views.lookup, name="lookup"),
    path("certificates/transcript/", views.transcript, name="transcript"),
    path("certificates/transcript.pdf", views.transcript_pdf, name="transcript_pdf"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path("certificates/<str:code>/pdf/", views.download, name="download"),
    path("certificates/<str:code>/correction/", views.request_correction, name="request_correction"),
]
