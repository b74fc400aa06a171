from django.urls import path

from syncs import views

app_name = "syncs"
urlpatterns = [
    path("replay/<str:token>/", views.replay, name="replay"),
]
