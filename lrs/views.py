from django.http import JsonResponse


def about(request):
    return JsonResponse({"version": ["1.0.3"]})
