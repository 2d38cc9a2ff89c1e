from django.contrib import messages
from django.shortcuts import redirect, render

from customers.selectors import account_overview


def home(request):
    overview = account_overview(user=request.user)
    if overview.connection is None:
        messages.info(request, "Add your Billogram API user to start searching customers.")
        return redirect("connections:list")
    return render(request, "customers/home.html", {"overview": overview})
