from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from programmes.configuration.selectors import programme_current


def programme_home(request: HttpRequest) -> HttpResponse:
    return render(
        request, "configuration/home.html", {"programme": programme_current()}
    )
