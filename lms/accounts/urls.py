from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("", views.profile, name="profile"),
    path("data/", views.personal_data, name="personal_data"),
    path("data/download/", views.download_personal_data, name="download_personal_data"),
    path("delete/", views.delete_account, name="delete_account"),
]
