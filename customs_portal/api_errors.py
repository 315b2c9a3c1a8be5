"""DRF's exception handler, extended: an ApplicationError becomes a 400 with a JSON body.

Kept apart from api.py: DRF imports authentication classes while rest_framework.views loads.
"""

from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import ApplicationError


def exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        return Response(exc.as_dict(), status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)
