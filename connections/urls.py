from django.urls import path

from connections import views

app_name = "connections"
urlpatterns = [
    path("", views.connection_list, name="list"),
    path("add/", views.connection_add, name="add"),
    path("switch/", views.connection_switch, name="switch"),
    path("<int:pk>/edit/", views.connection_edit, name="edit"),
    path("<int:pk>/delete/", views.connection_remove, name="delete"),
    path("<int:pk>/activate/", views.connection_make_active, name="activate"),
    path("<int:pk>/test/", views.connection_check, name="test"),
]
