from django.urls import path

app_name = "entries"

urlpatterns: list = []
