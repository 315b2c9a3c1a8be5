import functools
import ipaddress

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import FileResponse
from django.shortcuts import redirect

# Paths an enterprise that customs has not approved yet may still reach: finishing its own
# registration, signing out, switching language (domain: like the single window's "no-card
# login", limited to new-enterprise registration), and reading its notifications (the header
# shows their unread count; they tell of corrections asked for and of the review's decision).
ALLOWED_PREFIXES = (
    "/registration/",
    "/accounts/",
    "/i18n/",
    "/static/",
    "/jsi18n/",
    "/reminders/notifications/",
    "/verify/",  # anyone checks a certificate's code, signed in or not
    "/help/",  # the help centre is public
    "/privacy/",
)


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


def _header_value(policy: dict[str, list[str]], separator: str) -> str:
    return separator.join(f"{name} {' '.join(sources)}".strip() for name, sources in policy.items())


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every page the portal renders.

    The policy comes from ``SECURE_CSP`` (Django 6.0's name and shape, so its own middleware can
    take over after an upgrade) and ``PERMISSIONS_POLICY``. ``frame-ancestors`` follows the
    X-Frame-Options the response ends with, so a view that lets the admin frame it
    (``@xframe_options_sameorigin``) keeps working: place this middleware above
    XFrameOptionsMiddleware. PDFs carry no policy: browsers show them in a built-in viewer
    page that a policy such as ``object-src 'none'`` can keep from rendering.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = dict(settings.SECURE_CSP)
        self.permissions_policy = ", ".join(
            f"{feature}=({' '.join(origins)})" for feature, origins in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        if "Content-Security-Policy" in response.headers:
            return response
        content_type = response.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()
        if content_type == "application/pdf":
            return response
        # Django's technical 404/500 pages (DEBUG only) are built with inline script and style
        if settings.DEBUG and response.status_code in (404, 500):
            return response
        policy = self.policy
        if response.headers.get("X-Frame-Options", "").upper() == "SAMEORIGIN":
            policy = {**policy, "frame-ancestors": ["'self'"]}
        response.headers["Content-Security-Policy"] = _header_value(policy, "; ")
        return response


# What a browser or proxy must not keep: documents, exports and API answers hold one
# enterprise's data (spreadsheets included).
PRIVATE_CONTENT_TYPES = frozenset(
    {
        "application/pdf",
        "text/csv",
        "application/json",
        "application/xml",
        "text/xml",
        "application/vnd.oai.openapi",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.ms-excel",
        "application/vnd.oasis.opendocument.spreadsheet",
    }
)


class PrivateDownloadsMiddleware:
    """``Cache-Control: private, no-store`` on every download and API answer: PDFs, CSV and
    spreadsheet exports, JSON and CEB XML, and any file a view serves (scans, attachments)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        content_type = response.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()
        if (
            content_type in PRIVATE_CONTENT_TYPES
            or content_type.endswith(("+json", "+xml"))
            or isinstance(response, FileResponse)
            or "Content-Disposition" in response.headers
        ):
            response.headers["Cache-Control"] = "private, no-store"
        return response


@functools.cache
def _networks(addresses: tuple[str, ...]) -> tuple:
    try:
        return tuple(ipaddress.ip_network(address, strict=False) for address in addresses)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"FORWARDED_ALLOW_IPS holds addresses or networks of the proxy, not {addresses!r}: {exc}"
        ) from None


def _ip(value: str):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


class TrustedProxyMiddleware:
    """Forwarding headers count only when the TLS proxy sent them.

    Django reads ``SECURE_PROXY_SSL_HEADER`` from whoever sent the request, and gunicorn passes
    X-Forwarded-Proto on even from a peer outside ``--forwarded-allow-ips`` (it only leaves
    ``wsgi.url_scheme`` alone). So a request whose peer is one of ``FORWARDED_ALLOW_IPS`` (the
    proxy, the same addresses gunicorn is given) keeps X-Forwarded-Proto and is known by the
    client address the proxy put in X-Forwarded-For, which sign-in lock-outs count by; from
    any other peer both headers are dropped. Comes first, before SecurityMiddleware's redirect.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        meta = request.META
        peer = _ip(meta.get("REMOTE_ADDR", ""))
        proxies = _networks(tuple(settings.FORWARDED_ALLOW_IPS))
        if peer is not None and any(peer in network for network in proxies):
            # the proxy sets the header to the client's address; were anything before it, the
            # last entry is still the one the proxy itself wrote
            client = _ip(meta.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", 1)[-1])
            if client is not None:
                meta["REMOTE_ADDR"] = str(client)
        else:
            for name in {"HTTP_X_FORWARDED_PROTO", (settings.SECURE_PROXY_SSL_HEADER or ("",))[0]}:
                meta.pop(name, None)
        meta.pop("HTTP_X_FORWARDED_FOR", None)
        return self.get_response(request)
