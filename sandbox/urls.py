from django.urls import path

from sandbox import views

app_name = "sandbox"
urlpatterns = [
    path("customer", views.customer_list, name="customer-list"),
    path("customer/<str:customer_no>", views.customer_detail, name="customer-detail"),
]
