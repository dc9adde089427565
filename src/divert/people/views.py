from django.http import HttpResponse
def search(request): return HttpResponse('x')
def child_summary(request, pk): return HttpResponse('x')
