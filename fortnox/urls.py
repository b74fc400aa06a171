from django.urls import path

from fortnox import views

app_name = "fortnox"
urlpatterns = [
    path("connect/", views.connect, name="connect"),
    path("callback/", views.callback, name="callback"),
    path("disconnect/<int:connection_id>/", views.disconnect, name="disconnect"),
]
