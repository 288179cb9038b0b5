from django.urls import path

from press import views

app_name = "press"

urlpatterns = [
    path("", views.home, name="home"),
]
