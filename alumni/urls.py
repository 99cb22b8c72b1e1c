from django.urls import path

from . import views

app_name = "alumni"
urlpatterns = [
    path("", views.home, name="home"),
    path("directory/", views.directory_list, name="directory"),
    path("directory/search.json", views.directory_json, name="directory_json"),
    path("directory/me/", views.my_entry, name="my_entry"),
    path("directory/me/hide/", views.hide_me, name="hide_me"),
    path("directory/<int:pk>/", views.entry_detail, name="entry"),
    path("directory/<int:pk>/photo/", views.entry_photo, name="photo"),
    path("directory/<int:pk>/contact/", views.contact, name="contact"),
    path("chapters/<slug:slug>/", views.chapter_detail, name="chapter"),
    path("chapters/<slug:slug>/news/new/", views.chapter_news_new, name="chapter_news_new"),
    path("chapters/<slug:slug>/news/<int:pk>/edit/", views.chapter_news_edit, name="chapter_news_edit"),
    path("chapters/<slug:slug>/news/<int:pk>/delete/", views.chapter_news_delete, name="chapter_news_delete"),
    path("newsletter/subscription/", views.subscription, name="subscription"),
    path("newsletter/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
