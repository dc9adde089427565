"""Placeholder views: replaced by the app's own pages."""

from django.http import HttpRequest, HttpResponse


def queue(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")


def requests(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")
