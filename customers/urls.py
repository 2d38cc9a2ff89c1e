from django.urls import path

from customers import views

app_name = "customers"
urlpatterns = [
    path("customers/", views.customer_list, name="search"),
    path("customers/<int:customer_no>/", views.customer_detail, name="detail"),
    path("customers/export.csv", views.customer_export, name="export"),
]
