from django.urls import path

from naptrack.civilsociety.views import member

app_name = "civilsociety"

urlpatterns = [
    path("", member.home, name="home"),
]
