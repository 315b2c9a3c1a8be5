from django.shortcuts import redirect

# Paths an enterprise that customs has not approved yet may still reach: finishing its own
# registration, signing out, switching language (domain: like the single window's "no-card
# login", limited to new-enterprise registration).
ALLOWED_PREFIXES = ("/registration/", "/accounts/", "/i18n/", "/static/", "/jsi18n/")


class RegistrationGateMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not user.is_staff:
            enterprise = getattr(user, "enterprise", None)
            if (
                enterprise is not None
                and not enterprise.is_approved
                and not request.path.startswith(ALLOWED_PREFIXES)
            ):
                if request.path.startswith("/api/"):
                    from django.http import JsonResponse

                    return JsonResponse(
                        {"code": "not_approved", "message": "Enterprise not approved by customs yet."},
                        status=403,
                    )
                return redirect("registration:status")
        return self.get_response(request)
