from django.shortcuts import render

from customers.selectors import account_overview


def home(request):
    overview = account_overview(user=request.user)
    return render(request, "customers/home.html", {"overview": overview})
